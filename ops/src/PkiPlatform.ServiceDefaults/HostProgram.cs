using Serilog;

namespace PkiPlatform.ServiceDefaults;

/// <summary>
/// The frame every zone's host program shares: the bootstrap logger, a <see cref="KeyStore.PkiException"/> at start-up
/// (no PKI, wrong passphrase, a key outside the zone…) as one fatal line and exit code 2, the log flushed at exit.
/// </summary>
public static class HostProgram
{
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
