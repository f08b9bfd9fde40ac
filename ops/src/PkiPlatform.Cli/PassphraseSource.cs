using System.Security.Cryptography;
using System.Text;
using PkiPlatform.CaCore.Hosting;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Cli;

/// <summary>
/// Where the software key store's passphrase comes from, in order: --passphrase-file, PKI_PASSPHRASE,
/// the evaluation passphrase file in the data directory, a prompt on a terminal. Nothing ever waits for
/// input without a terminal.
/// </summary>
public static class PassphraseSource
{
    public const string EnvironmentVariable = StoredPassphrase.EnvironmentVariable;

    /// <summary>For commands on an existing store.</summary>
    public static string ForExisting(DataDirectory data, string? passphraseFile)
    {
        var stored = StoredPassphrase.Resolve(data, passphraseFile);
        if (stored is not null)
        {
            return stored;
        }

        if (IsInteractive)
        {
            return Prompt("Key-store passphrase: ");
        }

        throw new PkiException(PkiErrorCodes.WrongPassphrase,
            $"no key-store passphrase: pass --passphrase-file FILE or set {EnvironmentVariable}");
    }

    /// <summary>
    /// For <c>pki init</c>: a given passphrase, else one typed twice on a terminal, else a generated one
    /// stored in the data directory (evaluation only; <paramref name="generated"/> says so).
    /// </summary>
    public static string ForNew(DataDirectory data, string? passphraseFile, out bool generated)
    {
        generated = false;
        var given = StoredPassphrase.FromOptions(passphraseFile);
        if (given is not null)
        {
            return given;
        }

        if (IsInteractive)
        {
            var first = Prompt("New key-store passphrase (at least 12 characters): ");
            if (first.Length < 12)
            {
                throw new PkiException(PkiErrorCodes.WrongPassphrase, "the passphrase is shorter than 12 characters");
            }

            if (Prompt("Repeat it: ") != first)
            {
                throw new PkiException(PkiErrorCodes.WrongPassphrase, "the two passphrases differ");
            }

            return first;
        }

        generated = true;
        var passphrase = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        DataDirectory.WriteOwnerOnly(data.PassphraseFile, Encoding.UTF8.GetBytes(passphrase + "\n"));
        return passphrase;
    }

    private static bool IsInteractive => !Console.IsInputRedirected && !Console.IsErrorRedirected;

    private static string Prompt(string question)
    {
        Console.Error.Write(question);
        var builder = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return builder.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (builder.Length > 0)
                {
                    builder.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                builder.Append(key.KeyChar);
            }
        }
    }
}
