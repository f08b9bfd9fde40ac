using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests;

/// <summary>The independent verifiers: OpenSSL, GnuTLS certtool and zlint.</summary>
internal static class Tools
{
    /// <summary>The RFC 3279 lints, named one by one: this zlint build refuses "RFC3279" in -includeSources.</summary>
    private const string Rfc3279Lints = "e_rsa_allowed_ku_ca,e_rsa_allowed_ku_ee,e_rsa_allowed_ku_no_encipherment_ca";

    public static string Zlint => ExternalTool.Find(Environment.GetEnvironmentVariable("ZLINT") ?? "/opt/zlint/usr/bin/zlint")
        ?? ExternalTool.Find("zlint")
        ?? throw new IgnoreException("zlint is not installed; the test script runs ../shared/tools/install-zlint.sh");

    public static ExternalTool.Result OpenSsl(params string[] arguments) => ExternalTool.Run(ExternalTool.Require("openssl"), arguments);

    public static ExternalTool.Result CertTool(params string[] arguments) => ExternalTool.Run(ExternalTool.Require("certtool"), arguments);

    /// <summary>Lint findings at level error or fatal, as "lint: result"; empty when the certificate is clean.</summary>
    public static IReadOnlyList<string> ZlintErrors(string pemPath)
    {
        var findings = new List<string>();
        foreach (var arguments in new[] { new[] { "-includeSources", "RFC5280,RFC5480,RFC5891" }, new[] { "-includeNames", Rfc3279Lints } })
        {
            var run = ExternalTool.Run(Zlint, [.. arguments, pemPath]);
            if (run.ExitCode != 0 || !run.StdOut.TrimStart().StartsWith('{'))
            {
                findings.Add($"zlint failed: {run}");
                continue;
            }

            using var json = System.Text.Json.JsonDocument.Parse(run.StdOut);
            foreach (var lint in json.RootElement.EnumerateObject())
            {
                var result = lint.Value.GetProperty("result").GetString();
                if (result is "error" or "fatal")
                {
                    findings.Add($"{lint.Name}: {result}");
                }
            }
        }

        return findings;
    }
}
