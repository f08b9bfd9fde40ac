using System.Text.RegularExpressions;

namespace PkiPlatform.KeyStore;

/// <summary>Key labels double as file names in the software store: keep them to a safe alphabet.</summary>
public static partial class KeyLabel
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex Pattern();

    public static void Validate(string label)
    {
        if (string.IsNullOrEmpty(label) || !Pattern().IsMatch(label) || label.Contains("..", StringComparison.Ordinal))
        {
            throw new PkiException(PkiErrorCodes.InvalidLabel,
                $"invalid key label '{label}': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }
}
