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

    public static DataDirectory DataOf(ParseResult result) => DataDirectory.FromOption(result.GetValue(Data));

    public static async Task<PkiRuntime> OpenAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var data = DataOf(result);
        var config = data.LoadConfig();
        var passphrase = config.KeyStore.Type == "software" ? PassphraseSource.ForExisting(data, result.GetValue(PassphraseFile)) : null;
        return await PkiRuntime.OpenAsync(data, config, passphrase, TimeProvider.System, cancellationToken);
    }
}
