using System.Globalization;
using System.Text;

namespace PkiPlatform.CaCore.Issuance.Checks;

/// <summary>
/// Control and format characters (newlines, NUL, zero-width joiners, direction overrides) and broken surrogates have no
/// place in a name: they make two names look equal to a person or cut a log line (trust-model item 11).
/// </summary>
internal static class ControlCharacters
{
    /// <summary>The first offending code point as U+XXXX, or null.</summary>
    public static string? Find(string value)
    {
        var index = 0;
        while (index < value.Length)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(index), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return $"U+{(int)value[index]:X4}";
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                return $"U+{rune.Value:X4}";
            }

            index += consumed;
        }

        return null;
    }
}
