using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Hosting;

/// <summary>
/// The key-store passphrase from non-interactive sources, in order: a passphrase file, PKI_PASSPHRASE,
/// the evaluation passphrase that <c>pki init</c> stored in the data directory. Hosts use this alone;
/// the CLI adds a terminal prompt after it.
/// </summary>
public static class StoredPassphrase
{
    public const string EnvironmentVariable = "PKI_PASSPHRASE";

    /// <summary>From --passphrase-file or PKI_PASSPHRASE; null when neither is given.</summary>
    public static string? FromOptions(string? passphraseFile)
    {
        if (passphraseFile is not null)
        {
            if (!File.Exists(passphraseFile))
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"passphrase file {passphraseFile} does not exist");
            }

            var text = File.ReadAllText(passphraseFile).TrimEnd('\r', '\n');
            return text.Length > 0 ? text : throw new PkiException(PkiErrorCodes.WrongPassphrase, $"passphrase file {passphraseFile} is empty");
        }

        var variable = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrEmpty(variable) ? null : variable;
    }

    /// <summary>Options first, then the data directory's evaluation passphrase; null when there is none.</summary>
    /// <remarks>Falling back to the evaluation passphrase is said on the terminal (never the passphrase itself): it sits beside the keys it protects.</remarks>
    /// <param name="data">The data directory.</param>
    /// <param name="passphraseFile">--passphrase-file, if given.</param>
    /// <param name="warn">Hosts: say on stderr when the evaluation passphrase is used (the CLI keeps stderr for its one-line errors).</param>
    public static string? Resolve(DataDirectory data, string? passphraseFile, bool warn = false)
    {
        if (FromOptions(passphraseFile) is { } given)
        {
            return given;
        }

        if (!File.Exists(data.PassphraseFile))
        {
            return null;
        }

        if (warn)
        {
            Console.Error.WriteLine($"warning: using the evaluation passphrase stored in {data.PassphraseFile}; for production pass --passphrase-file or {EnvironmentVariable} and remove that file");
        }

        return File.ReadAllText(data.PassphraseFile).Trim();
    }
}
