using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Cli;

/// <summary>Runs the real <c>pki</c> program (built beside the tests) as a user would, with no terminal.</summary>
internal static class PkiCli
{
    public static ExternalTool.Result Run(string dataDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "pki.dll");
        var env = new Dictionary<string, string> { ["PKI_DATA"] = dataDirectory, ["PKI_PASSPHRASE"] = "" };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        return ExternalTool.Run("dotnet", [dll, .. arguments], environment: env);
    }

    public static ExternalTool.Result Run(string dataDirectory, params string[] arguments) => Run(dataDirectory, null, arguments);

    /// <summary>
    /// Runs <c>pki</c> with its clock moved by <paramref name="offset"/> (libfaketime, e.g. "-2d", "-25h"): how a test
    /// gets a certificate that has expired by now from the CA it runs. Only before the host starts: the audit chain's
    /// timestamps stay in order.
    /// </summary>
    public static ExternalTool.Result RunAt(string offset, string dataDirectory, params string[] arguments) =>
        ExternalTool.Run("faketime", ["-f", offset, "dotnet", Path.Combine(AppContext.BaseDirectory, "pki.dll"), .. arguments],
            environment: new Dictionary<string, string> { ["PKI_DATA"] = dataDirectory, ["PKI_PASSPHRASE"] = "" });
}
