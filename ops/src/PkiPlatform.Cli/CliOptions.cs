using PkiPlatform.CaCore.Hosting;
using System.CommandLine;

namespace PkiPlatform.Cli;

/// <summary>Options every command understands.</summary>
internal static class CliOptions
{
    public static readonly Option<string?> Data = new("--data")
    {
        Description = $"Data directory (default: ${DataDirectory.EnvironmentVariable}, else ./.pki)",
        Recursive = true,
    };

    public static readonly Option<string?> PassphraseFile = new("--passphrase-file")
    {
        Description = $"File holding the key-store passphrase (default: ${PassphraseSource.EnvironmentVariable}, the data directory's evaluation passphrase, or a prompt on a terminal)",
        Recursive = true,
    };

    public static readonly Option<string?> Actor = new("--actor")
    {
        Description = "Who acts, for the audit trail (e.g. staff:E1001 or a ticket); recorded beside the operating-system user",
        Recursive = true,
    };

    /// <summary>
    /// The audit actor of a CLI command (issue 10): <c>cli:{os user}</c>, plus <c>as {--actor}</c> where given, never a constant.
    /// The OS user is what the kernel says the process runs as; --actor is the operator's own statement.
    /// </summary>
    public static string ActorOf(ParseResult result, string command = "cli")
    {
        var user = Environment.UserName;
        var given = result.GetValue(Actor)?.Trim();
        if (given is { Length: > 0 } && (given.Length > 128 || given.Any(char.IsControl)))
        {
            throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.InvalidArgument, "--actor must be at most 128 printable characters");
        }

        return given is { Length: > 0 } ? $"{command}:{user} as {given}" : $"{command}:{user}";
    }

    public static DataDirectory DataOf(ParseResult result) => DataDirectory.FromOption(result.GetValue(Data));

    public static async Task<PkiRuntime> OpenAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var data = DataOf(result);
        var config = data.LoadConfig();
        var passphrase = config.KeyStore.Type == "software" ? PassphraseSource.ForExisting(data, result.GetValue(PassphraseFile)) : null;
        return await PkiRuntime.OpenAsync(data, config, passphrase, TimeProvider.System, cancellationToken);
    }
}
