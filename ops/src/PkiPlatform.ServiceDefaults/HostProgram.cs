using Serilog;

namespace PkiPlatform.ServiceDefaults;

/// <summary>
/// The frame every zone's host program shares: the bootstrap logger, a <see cref="KeyStore.PkiException"/> at start-up
/// (no PKI, wrong passphrase, a key outside the zone…) as one fatal line and exit code 2, the log flushed at exit.
/// </summary>
public static class HostProgram
{
    /// <summary>
    /// The start every zone host shares: the data directory (<c>--data</c>), its pki.json as a configuration source, and
    /// the runtime opened for <paramref name="zone"/> — that zone's key share only (the RA zone opens no key store and needs
    /// no passphrase), the zone's own database role where <c>--Database:ConnectionString</c> names one, migrations only
    /// where the zone owns them.
    /// </summary>
    public static Task<CaCore.Hosting.PkiRuntime> OpenZoneAsync(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder, KeyStore.KeyZone zone, bool migrate)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var data = CaCore.Hosting.DataDirectory.FromOption(builder.Configuration["data"]);
        HostSettings.AddPkiJson(builder.Configuration, data.ConfigFile);
        var passphrase = zone == KeyStore.KeyZone.Ra ? null : CaCore.Hosting.StoredPassphrase.Resolve(data, builder.Configuration["passphrase-file"], warn: true);
        return CaCore.Hosting.PkiRuntime.OpenAsync(data, data.LoadConfig(builder.Configuration["Database:ConnectionString"]), passphrase, TimeProvider.System, default, zone, migrate);
    }

    public static async Task<int> RunAsync(string host, Func<Task> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        ServiceDefaultsExtensions.CreateBootstrapLogger();
        try
        {
            await run();
            return 0;
        }
        catch (KeyStore.PkiException ex)
        {
            Log.Fatal("{Host} did not start: {Reason}", host, ex.Message);
            return 2;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
