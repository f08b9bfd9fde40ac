using System.Diagnostics;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Cli;

/// <summary>
/// `pki up` as an operator runs it: the URLs that `pki init` wrote into a certificate's AIA and CDP are
/// where OpenSSL finds the OCSP responder and downloads the CRL.
/// </summary>
[NonParallelizable]
public sealed class PkiUpTests
{
    [Test]
    public async Task Up_ServesOcspAndCrlAtTheUrlsInTheCertificate()
    {
        var root = Directory.CreateTempSubdirectory("pki-up-").FullName;
        Process? up = null;
        try
        {
            var port = FreePort.Next();
            var data = Path.Combine(root, "data");
            Assert.That(PkiCli.Run(data, "init", "--kdf-cost", "12", "--base-url", $"http://127.0.0.1:{port}").ExitCode, Is.EqualTo(0));
            var csr = Path.Combine(root, "u.csr");
            File.WriteAllBytes(csr, TestCsr.Create(KeyAlgorithm.EcP256, "CN=Up User,O=HRSS").Der);
            var certificate = Path.Combine(root, "u.pem");
            Assert.That(PkiCli.Run(data, "issue", "--bypass-ra", "test", "--profile", "staff-auth", "--csr", csr, "--out", certificate).ExitCode, Is.EqualTo(0));

            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            var raPort = FreePort.Next();
            foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "pki.dll"), "--data", data, "up", "--ra-port", raPort.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["PKI_PASSPHRASE"] = "";
            up = Process.Start(info)!;
            var output = new System.Text.StringBuilder();
            up.OutputDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
            up.ErrorDataReceived += (_, _) => { };
            up.BeginOutputReadLine();
            up.BeginErrorReadLine();
            var ready = false;
            using var http = new HttpClient();
            for (var i = 0; i < 300 && !ready && !up.HasExited; i++)
            {
                try
                {
                    ready = (await http.GetAsync($"http://127.0.0.1:{port}/health/live")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(200);
                }
            }

            lock (output)
            {
                Assert.That(ready, Is.True, $"pki up did not start listening:\n{output}");
            }
            var ca = Path.Combine(data, "publish", "ca");
            var ocspUrl = Tools.OpenSsl("x509", "-in", certificate, "-noout", "-ocsp_uri").StdOut.Trim();
            Assert.That(ocspUrl, Is.EqualTo($"http://127.0.0.1:{port}/ocsp"));

            var ocsp = Tools.OpenSsl("ocsp", "-issuer", Path.Combine(ca, "issuing.pem"), "-cert", certificate, "-url", ocspUrl, "-CAfile", Path.Combine(ca, "root.pem"));
            Assert.That(ocsp.StdOut, Does.Contain($"{certificate}: good"), ocsp.ToString());
            Assert.That(ocsp.StdErr, Does.Contain("Response verify OK"));

            // openssl fetches the CRLs from the CDP URLs itself: the issuing CA's for the leaf, the root's for
            // the issuing CA. (-crl_check_all would also want a CRL for the root itself, which has no CDP.)
            var verify = Tools.OpenSsl("verify", "-crl_check", "-crl_download", "-CAfile", Path.Combine(ca, "root.pem"), "-untrusted", Path.Combine(ca, "issuing.pem"), certificate);
            Assert.That(verify.StdOut.Trim(), Is.EqualTo($"{certificate}: OK"), verify.ToString());
            var issuing = Path.Combine(ca, "issuing.pem");
            var verifyCa = Tools.OpenSsl("verify", "-crl_check", "-crl_download", "-CAfile", Path.Combine(ca, "root.pem"), issuing);
            Assert.That(verifyCa.StdOut.Trim(), Is.EqualTo($"{issuing}: OK"), verifyCa.ToString());

            using var aia = await http.GetAsync($"http://127.0.0.1:{port}/ca/issuing.crt");
            Assert.That(aia.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/pkix-cert"));

            // Trust-model item 9: the plain-HTTP listener serves OCSP, CRL and CA certificates only, whatever Host header says.
            foreach (var host in new[] { $"127.0.0.1:{raPort}", $"localhost:{raPort}", $"127.0.0.1:{port}" })
            {
                foreach (var (method, path) in new[] { ("GET", "/Apply"), ("GET", "/Officer/Queue"), ("GET", "/openapi/v1.json"), ("GET", "/api/v1/queue"),
                             ("GET", "/portal.css"), ("POST", "/tsa"), ("GET", "/api/v1/token/keys"), ("GET", "/Admin/Accounts") })
                {
                    using var plain = new HttpRequestMessage(new HttpMethod(method), $"http://127.0.0.1:{port}{path}");
                    plain.Headers.Host = host;
                    using var refused = await http.SendAsync(plain);
                    Assert.That(refused.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.NotFound), $"{method} {path} with Host {host}");
                    Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("not served over plain HTTP"), $"{method} {path}");
                }
            }

            // The first officer credential printed on first run logs in to the RA API with curl.
            string printed = "";
            for (var i = 0; i < 150 && !printed.Contains("Press Ctrl+C to stop.", StringComparison.Ordinal); i++)
            {
                await Task.Delay(200);
                lock (output)
                {
                    printed = output.ToString();
                }
            }

            var login = System.Text.RegularExpressions.Regex.Match(printed, @"Officer  login:\s+(\S+)\s+password: (\S+)");
            Assert.That(login.Success, Is.True, printed);
            // Issue 11: two officers on the first run, so that dual control can start.
            Assert.That(System.Text.RegularExpressions.Regex.Count(printed, @"Officer  login:"), Is.EqualTo(2), printed);

            // A second pki up on the same data directory: one line, exit 2; a listen address the certificates do not name: a warning.
            var otherPort = FreePort.Next();
            var second = PkiCli.Run(data, "up", "--urls", $"http://127.0.0.1:{otherPort}", "--ra-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.That(second.ExitCode, Is.EqualTo(2), second.ToString());
            Assert.That(second.StdErr, Does.Contain($"warning: --urls http://127.0.0.1:{otherPort} is not where the certificates point").And.Contain($"pki init --base-url http://127.0.0.1:{otherPort}"));
            Assert.That(second.StdErr, Does.Contain("pki: error: the data directory").And.Contain("is in use by another pki up"));
            Assert.That(second.StdErr, Does.Not.Contain("   at "));
            var curl = ExternalTool.Run(ExternalTool.Require("curl"), ["-s", "--cert-type", "P12", "--cert", $"{login.Groups[1].Value}:{login.Groups[2].Value}",
                "--cacert", Path.Combine(ca, "root.pem"), $"https://127.0.0.1:{raPort}/api/v1/queue"]);
            Assert.That(curl.StdOut.Trim(), Is.EqualTo("[]"), curl.ToString());
            var anonymous = ExternalTool.Run("curl", ["-s", "--cacert", Path.Combine(ca, "root.pem"), $"https://127.0.0.1:{raPort}/api/v1/queue"]);
            Assert.That(anonymous.StdOut, Does.Contain("a client certificate issued by this platform is required"));

            // Time-stamping over TLS, verified by openssl ts.
            var query = Path.Combine(root, "q.tsq");
            var reply = Path.Combine(root, "r.tsr");
            Tools.OpenSsl("ts", "-query", "-data", csr, "-sha256", "-cert", "-out", query);
            var stamp = ExternalTool.Run("curl", ["-s", "--cacert", Path.Combine(ca, "root.pem"), "-H", "Content-Type: application/timestamp-query",
                "--data-binary", "@" + query, "-o", reply, $"https://127.0.0.1:{raPort}/tsa"]);
            Assert.That(stamp.ExitCode, Is.EqualTo(0), stamp.ToString());
            var tsVerify = Tools.OpenSsl("ts", "-verify", "-queryfile", query, "-in", reply, "-CAfile", Path.Combine(ca, "root.pem"), "-untrusted", Path.Combine(ca, "issuing.pem"));
            Assert.That(tsVerify.StdOut, Does.Contain("Verification: OK"), tsVerify.ToString());

            // Trust-model item 7: the audit checkpoint pki up writes at start is time-stamped by its TSA; openssl ts checks the token
            // against the file, and pki audit verify checks both.
            var audit = Path.Combine(data, "publish", "audit");
            for (var i = 0; i < 50 && !File.Exists(Path.Combine(audit, "latest.tst")); i++)
            {
                await Task.Delay(200);
            }

            var checkpointVerify = Tools.OpenSsl("ts", "-verify", "-data", Path.Combine(audit, "latest.checkpoint"), "-in", Path.Combine(audit, "latest.tst"), "-token_in",
                "-CAfile", Path.Combine(ca, "root.pem"), "-untrusted", Path.Combine(ca, "issuing.pem"));
            Assert.That(checkpointVerify.StdOut, Does.Contain("Verification: OK"), checkpointVerify.ToString());
            var auditVerify = PkiCli.Run(data, "audit", "verify");
            Assert.That(auditVerify.StdOut, Does.Contain("time-stamped by the platform's TSA"), auditVerify.ToString());

            // The signing API with the demo business system's credential and key: openssl cms verifies the result,
            // and the service's own verifier says why it is valid.
            var system = System.Text.RegularExpressions.Regex.Match(printed, @"System\s+login:\s+(\S+)\s+password: (\S+)");
            var signKey = System.Text.RegularExpressions.Regex.Match(printed, @"demo system keys: (\S+) \(sign\)");
            Assert.That(system.Success && signKey.Success, Is.True, printed);
            string[] asSystem = ["-s", "--cert-type", "P12", "--cert", $"{system.Groups[1].Value}:{system.Groups[2].Value}", "--cacert", Path.Combine(ca, "root.pem")];
            var signed = Path.Combine(root, "csr.p7m");
            var sign = ExternalTool.Run("curl", [.. asSystem, "--data-binary", "@" + csr, "-o", signed, "-w", "%{http_code}",
                $"https://127.0.0.1:{raPort}/api/v1/token/sign?key={signKey.Groups[1].Value}&timestamp=true"]);
            Assert.That(sign.StdOut, Is.EqualTo("200"), sign.ToString());
            var cmsVerify = Tools.OpenSsl("cms", "-verify", "-binary", "-inform", "DER", "-in", signed, "-CAfile", Path.Combine(ca, "root.pem"), "-out", "/dev/null");
            Assert.That(cmsVerify.StdErr, Does.Contain("Verification successful"), cmsVerify.ToString());
            var body = Path.Combine(root, "verify.json");
            File.WriteAllText(body, System.Text.Json.JsonSerializer.Serialize(new { signedData = Convert.ToBase64String(File.ReadAllBytes(signed)) }));
            var verified = ExternalTool.Run("curl", [.. asSystem, "-H", "Content-Type: application/json", "--data-binary", "@" + body, $"https://127.0.0.1:{raPort}/api/v1/token/verify"]);
            Assert.That(verified.StdOut, Does.Contain("\"valid\":true").And.Contain("\"verdict\":\"valid\""), verified.ToString());
            var stolen = ExternalTool.Run("curl", ["-s", "--cert-type", "P12", "--cert", $"{login.Groups[1].Value}:{login.Groups[2].Value}", "--cacert", Path.Combine(ca, "root.pem"),
                "--data-binary", "@" + csr, $"https://127.0.0.1:{raPort}/api/v1/token/sign?key={signKey.Groups[1].Value}"]);
            Assert.That(stolen.StdOut, Does.Contain("token.key_forbidden").And.Contain("bound to no registered business system"), stolen.ToString());
        }
        finally
        {
            if (up is { HasExited: false })
            {
                up.Kill(entireProcessTree: true);
                await up.WaitForExitAsync();
            }

            up?.Dispose();
            Directory.Delete(root, recursive: true);
        }
    }

}
