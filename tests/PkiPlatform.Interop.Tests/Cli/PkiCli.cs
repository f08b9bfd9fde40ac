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
}
