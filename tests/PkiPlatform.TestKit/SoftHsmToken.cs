using System.Runtime.InteropServices;

namespace PkiPlatform.TestKit;

/// <summary>
/// One SoftHSM2 token directory per test run, with one initialised token. SOFTHSM2_CONF is set in the
/// native environment too (.NET's Environment.SetEnvironmentVariable does not reach getenv on Linux),
/// so the module loaded into this process finds it.
/// </summary>
public sealed partial class SoftHsmToken
{
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";
    private static readonly Lazy<SoftHsmToken> LazyShared = new(() => new SoftHsmToken("pki-test", "1234", "5678"));

    private SoftHsmToken(string label, string pin, string soPin)
    {
        Label = label;
        Pin = pin;
        SoPin = soPin;
        if (!File.Exists(ModulePath))
        {
            throw new IgnoreException($"SoftHSM2 is not installed ({ModulePath}); the test script installs it");
        }

        Directory = System.IO.Directory.CreateTempSubdirectory("pki-softhsm-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "tokens"));
        ConfigPath = Path.Combine(Directory, "softhsm2.conf");
        File.WriteAllText(ConfigPath, $"directories.tokendir = {Path.Combine(Directory, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        System.Environment.SetEnvironmentVariable("SOFTHSM2_CONF", ConfigPath);
        _ = SetNativeEnvironment("SOFTHSM2_CONF", ConfigPath, 1);
        var init = ExternalTool.Run(ExternalTool.Require("softhsm2-util"), ["--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", soPin],
            environment: Environment);
        if (init.ExitCode != 0)
        {
            throw new InvalidOperationException($"softhsm2-util --init-token failed: {init}");
        }
    }

    public static SoftHsmToken Shared => LazyShared.Value;

    public string Label { get; }

    public string Pin { get; }

    public string SoPin { get; }

    public string Directory { get; }

    public string ConfigPath { get; }

    /// <summary>Environment for child processes (openssl's pkcs11 engine, pkcs11-tool).</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["SOFTHSM2_CONF"] = ConfigPath };

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetNativeEnvironment(string name, string value, int overwrite);
}
