using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Cli;

/// <summary>
/// Issue 10: the zones as separate processes on PostgreSQL, each host with its own least-privilege role: a business
/// system applies at the RA host, an officer approves, the CA host (the only process with CA keys) issues, the OCSP
/// host (read-only role) answers "good" to openssl, the token-service host time-stamps for openssl ts.
/// </summary>
[NonParallelizable]
public sealed class SplitZonesTests
{
    private readonly List<(Process Process, System.Text.StringBuilder Output)> _hosts = [];

    [TearDown]
    public async Task TearDown()
    {
        foreach (var (process, _) in _hosts)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        _hosts.Clear();
    }

    private (Process Process, System.Text.StringBuilder Output) Start(string dll, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        process.ErrorDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _hosts.Add((process, output));
        return (process, output);
    }

    private static async Task WaitForAsync(Func<Task<bool>> ready, (Process Process, System.Text.StringBuilder Output) host, string what)
    {
        // A deadline, not a count of tries: four hosts start at once on a shared 2-core machine, and each
        // unlocks its key store (KDF) and opens the database before it listens.
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.That(host.Process.HasExited, Is.False, $"{what} exited:\n{host.Output}");
            await Task.Delay(200);
        }

        Assert.Fail($"{what} did not become ready within {started.Elapsed.TotalSeconds:F0} s:\n{host.Output}");
    }

    [Test]
    public async Task Zones_AsSeparateProcesses_OnPostgresWithTheirOwnRoles_ApplyApproveIssueOcspTimestamp()
    {
        var server = Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable);
        if (string.IsNullOrEmpty(server))
        {
            Assert.Ignore($"{TestDatabase.PostgresVariable} is not set: run the suite with ops/scripts/test.sh");
        }

        var name = $"pki_split_{Guid.NewGuid():N}"[..24];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var owner = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString;
        var root = Directory.CreateTempSubdirectory("pki-split-").FullName;
        var prefix = $"s{Guid.NewGuid():N}"[..10] + "_";
        try
        {
            var data = Path.Combine(root, "data");
            var plainPort = FreePort.Next();
            Assert.That(PkiCli.Run(data, "init", "--kdf-cost", "12", "--base-url", $"http://127.0.0.1:{plainPort}", "--database-provider", "postgres", "--database", owner).ExitCode, Is.EqualTo(0));

            // One pki up run bootstraps the evaluation credentials, the RA's TLS certificate and the service certificates.
            var env = new Dictionary<string, string> { ["PKI_PASSPHRASE"] = "" };
            var raPort = FreePort.Next();
            var up = Start("pki.dll", env, "--data", data, "up", "--ra-port", raPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await WaitForAsync(() =>
            {
                lock (up.Output)
                {
                    return Task.FromResult(up.Output.ToString().Contains("Press Ctrl+C to stop.", StringComparison.Ordinal));
                }
            }, up, "pki up");
            string printed;
            lock (up.Output)
            {
                printed = up.Output.ToString();
            }

            up.Process.Kill(entireProcessTree: true);
            await up.Process.WaitForExitAsync();
            var officer = Regex.Match(printed, @"Officer  login:\s+(\S+)\s+password: (\S+)");
            var system = Regex.Match(printed, @"System\s+login:\s+(\S+)\s+password: (\S+)");
            Assert.That(officer.Success && system.Success, Is.True, printed);

            var roles = PkiCli.Run(data, "db", "roles", "--prefix", prefix);
            Assert.That(roles.ExitCode, Is.EqualTo(0), roles.ToString());
            string As(string role) => new NpgsqlConnectionStringBuilder(owner)
            {
                Username = prefix + role, Password = File.ReadAllText(Path.Combine(data, "db", prefix + role + ".password")).Trim(),
            }.ConnectionString;

            // The component zones' roles (issues 12, 13): each writes its own tables only; the CA never reads the KMC archive.
            async Task<string> TryAs(string role, string sql)
            {
                await using var connection = new NpgsqlConnection(As(role));
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(sql, connection);
                try
                {
                    await command.ExecuteNonQueryAsync();
                    return "ok";
                }
                catch (PostgresException ex)
                {
                    return ex.SqlState;
                }
            }

            Assert.That(await TryAs("kmc", "SELECT count(*) FROM kmc_keys"), Is.EqualTo("ok"));
            Assert.That(await TryAs("kmc", "SELECT count(*) FROM certificates"), Is.EqualTo("ok"));
            Assert.That(await TryAs("kmc", "UPDATE certificates SET status = 1 WHERE false"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAs("kmc", "SELECT count(*) FROM oidc_tokens"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAs("ca", "SELECT count(*) FROM kmc_keys"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), "the CA never reads the archive");
            Assert.That(await TryAs("identity", "DELETE FROM oidc_tokens WHERE false"), Is.EqualTo("ok"));
            Assert.That(await TryAs("identity", "SELECT count(*) FROM kmc_keys"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAs("identity", "INSERT INTO crls (authority_id) VALUES (0)"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAs("ra", "SELECT count(*) FROM kmc_keys"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));

            // The four zones, each its own process; only the CA host is given the owner's connection and CA keys.
            var caHealth = FreePort.Next();
            var kmcPort = FreePort.Next();
            var ca = Start("PkiPlatform.CaCore.Host.dll", env, "--data", data, "--health-port", caHealth.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--Logging:Console:Format=text", "--Kmc:Url", $"https://127.0.0.1:{kmcPort}/");
            var ra = Start("PkiPlatform.RaPortal.Host.dll", env, "--data", data, "--port", raPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Database:ConnectionString", As("ra"));
            var tsaPort = FreePort.Next();
            var tokens = Start("PkiPlatform.TokenService.Host.dll", env, "--data", data, "--urls", $"https://127.0.0.1:{tsaPort}",
                "--Kestrel:Certificates:Default:Path", Path.Combine(data, "ra", "portal.p12"),
                "--Kestrel:Certificates:Default:Password", File.ReadAllText(Path.Combine(data, "ra", "portal.pass")).Trim(),
                "--Database:ConnectionString", As("token_service"));
            // The token-service host listens before the OCSP host (which serves the AIA URL of its TLS certificate) is
            // up: it must send its CA certificate anyway (it once served the leaf alone when it started first).
            await WaitForAsync(() => { lock (tokens.Output) { return Task.FromResult(tokens.Output.ToString().Contains("Now listening on", StringComparison.Ordinal)); } }, tokens, "token-service host's listener");
            var ocsp = Start("PkiPlatform.OcspResponder.Host.dll", env, "--data", data, "--urls", $"http://127.0.0.1:{plainPort}",
                "--Ocsp:ProvisionResponders=false", "--Database:ConnectionString", As("ocsp"));
            using var http = new HttpClient();
            await WaitForAsync(async () => (await http.GetAsync($"http://127.0.0.1:{caHealth}/health/live")).IsSuccessStatusCode, ca, "CA host");
            lock (ca.Output)
            {
                // Readable console (issue 10): one text line per event when asked (or on a terminal); the others log JSON.
                Assert.That(ca.Output.ToString(), Does.Match(@"\d\d:\d\d:\d\d INF Now listening on: http://127\.0\.0\.1:\d+"), ca.Output.ToString());
            }

            await WaitForAsync(async () => (await http.GetAsync($"http://127.0.0.1:{plainPort}/health/live")).IsSuccessStatusCode, ocsp, "OCSP host");
            // Only after the host answers: its "Now listening" line is written by then.
            await WaitForAsync(() => { lock (ocsp.Output) { return Task.FromResult(ocsp.Output.ToString().Contains("{\"@t\":", StringComparison.Ordinal)); } }, ocsp, "OCSP host's JSON log");
            var caDirectory = Path.Combine(data, "publish", "ca");
            var rootPem = Path.Combine(caDirectory, "root.pem");
            string[] curl = ["-s", "--max-time", "30", "--cacert", rootPem];
            await WaitForAsync(() => Task.FromResult(ExternalTool.Run("curl", [.. curl, "-o", "/dev/null", "-w", "%{http_code}", $"https://127.0.0.1:{raPort}/Apply"]).StdOut == "200"), ra, "RA host");
            await WaitForAsync(() => Task.FromResult(ExternalTool.Run("curl", [.. curl, "-o", "/dev/null", "-w", "%{http_code}", $"https://127.0.0.1:{tsaPort}/health/live"]).StdOut is not ("" or "000")), tokens, "token-service host");

            // Apply (the business system) and approve (the officer) at the RA host.
            string[] asSystem = [.. curl, "--cert-type", "P12", "--cert", $"{system.Groups[1].Value}:{system.Groups[2].Value}"];
            string[] asOfficer = [.. curl, "--cert-type", "P12", "--cert", $"{officer.Groups[1].Value}:{officer.Groups[2].Value}"];
            var csr = new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", TestCsr.Create(KeyAlgorithm.EcP256, "CN=split.localhost,O=HRSS", "dns:split.localhost").Der));
            var body = Path.Combine(root, "apply.json");
            File.WriteAllText(body, System.Text.Json.JsonSerializer.Serialize(new { profile = "server-tls", csr, applicantName = "Split Test", staffId = "E9001", organization = "HRSS", unit = "Ops", contact = "ops@hrss.example" }));
            var applied = ExternalTool.Run("curl", [.. asSystem, "-H", "Content-Type: application/json", "--data-binary", "@" + body, $"https://127.0.0.1:{raPort}/api/v1/requests"]);
            var id = Regex.Match(applied.StdOut, "\"id\":(\\d+)");
            Assert.That(id.Success, Is.True, applied + "\n" + ra.Output);
            var approved = ExternalTool.Run("curl", [.. asOfficer, "-H", "Content-Type: application/json", "--data-binary", "{\"reason\":\"split test\"}",
                $"https://127.0.0.1:{raPort}/api/v1/requests/{id.Groups[1].Value}/approve"]);
            Assert.That(approved.StdOut, Does.Contain("\"status\":"), approved.ToString());

            // The CA host issues (the RA host has no key); the certificate downloads from the RA.
            var certificate = Path.Combine(root, "split.pem");
            await WaitForAsync(() => Task.FromResult(ExternalTool.Run("curl", [.. asSystem, "-o", certificate, "-w", "%{http_code}",
                $"https://127.0.0.1:{raPort}/api/v1/requests/{id.Groups[1].Value}/certificate?format=pem"]).StdOut == "200"), ca, "issuance by the CA host");
            var ocspAnswer = Tools.OpenSsl("ocsp", "-issuer", Path.Combine(caDirectory, "issuing.pem"), "-cert", certificate, "-url", $"http://127.0.0.1:{plainPort}/ocsp", "-CAfile", rootPem);
            Assert.That(ocspAnswer.StdOut, Does.Contain($"{certificate}: good"), ocspAnswer + "\n" + ocsp.Output);
            Assert.That(ocspAnswer.StdErr, Does.Contain("Response verify OK"));

            // Time-stamping at the token-service host, verified by openssl ts.
            var query = Path.Combine(root, "q.tsq");
            var reply = Path.Combine(root, "r.tsr");
            Tools.OpenSsl("ts", "-query", "-data", body, "-sha256", "-cert", "-out", query);
            var stamped = ExternalTool.Run("curl", [.. curl, "-H", "Content-Type: application/timestamp-query", "--data-binary", "@" + query, "-o", reply, "-w", "%{http_code}", $"https://127.0.0.1:{tsaPort}/tsa"]);
            Assert.That(stamped.StdOut, Is.EqualTo("200"), stamped + "\n" + tokens.Output);
            var stamp = Tools.OpenSsl("ts", "-verify", "-queryfile", query, "-in", reply, "-CAfile", rootPem, "-untrusted", Path.Combine(caDirectory, "issuing.pem"));
            Assert.That(stamp.StdOut, Does.Contain("Verification: OK"), stamp + "\n" + tokens.Output);

            // The identity provider as its own host with the identity zone's role: it does not migrate (the role may not),
            // it checks its tables are current and serves discovery and the JWKS of its zone's keys.
            var idpPort = FreePort.Next();
            var identity = Start("PkiPlatform.Identity.Host.dll", env, "--data", data, "--port", idpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--mtls-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--Identity:Issuer", $"https://127.0.0.1:{idpPort}/",
                "--Kestrel:Certificates:Default:Path", Path.Combine(data, "ra", "portal.p12"),
                "--Kestrel:Certificates:Default:Password", File.ReadAllText(Path.Combine(data, "ra", "portal.pass")).Trim(),
                "--Database:ConnectionString", As("identity"));
            var discoveryUrl = $"https://127.0.0.1:{idpPort}/.well-known/openid-configuration";
            await WaitForAsync(() => Task.FromResult(ExternalTool.Run("curl", [.. curl, "-o", "/dev/null", "-w", "%{http_code}", discoveryUrl]).StdOut == "200"), identity, "identity host");
            var discovery = ExternalTool.Run("curl", [.. curl, discoveryUrl]);
            Assert.That(discovery.StdOut, Does.Match($"\"issuer\":\\s*\"https://127\\.0\\.0\\.1:{idpPort}/\""), discovery + "\n" + identity.Output);
            Assert.That(ExternalTool.Run("curl", [.. curl, $"https://127.0.0.1:{idpPort}/.well-known/jwks"]).StdOut, Does.Match("\"kid\":\\s*\"oidc-signing-"));

            // The key management centre as its own host with the kmc zone's role, the CA host calling it over mutual TLS.
            var kmc = Start("PkiPlatform.Kmc.Host.dll", env, "--data", data, "--port", kmcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--Database:ConnectionString", As("kmc"));
            var kmcUrl = $"https://127.0.0.1:{kmcPort}";
            string[] asCaClient = [.. curl, "--cert-type", "P12", "--cert", $"{Path.Combine(data, "ca", "kmc-client.p12")}:{File.ReadAllText(Path.Combine(data, "ca", "kmc-client.pass")).Trim()}"];
            await WaitForAsync(() => Task.FromResult(ExternalTool.Run("curl", [.. asCaClient, "-o", "/dev/null", "-w", "%{http_code}", $"{kmcUrl}/health/live"]).StdOut == "200"), kmc, "KMC host");
            // Who may call it: the CA's client certificate only (an account allow-list); no certificate, no handshake.
            string KmcCall(string[] who) => ExternalTool.Run("curl", [.. who, "-w", "\n%{http_code}", "-H", "Content-Type: application/json", "--data-binary",
                "[{\"reference\":\"attack\",\"algorithm\":\"EcP256\",\"subject\":\"MAA=\",\"actor\":\"attacker\"}]", $"{kmcUrl}/kmc/v1/apply"]).StdOut;
            Assert.That(KmcCall(asSystem), Does.EndWith("403").And.Contain("system:demo may not call the key management centre"));
            Assert.That(KmcCall(asOfficer), Does.EndWith("403").And.Contain("staff:ra-officer may not call"));
            Assert.That(KmcCall(curl), Does.EndWith("000"), "no client certificate: the handshake is refused");
            Assert.That(KmcCall(asCaClient), Does.EndWith("200").And.Contain("\"keyId\""), "the CA's certificate is served");
            // Bad bodies from the allowed caller: 4xx problems that say what to send, and no key is spent.
            string KmcBody(string contentType, string body) => ExternalTool.Run("curl", [.. asCaClient, "-w", "\n%{http_code}", "-H", $"Content-Type: {contentType}", "--data-binary",
                body, $"{kmcUrl}/kmc/v1/apply"]).StdOut;
            Assert.That(KmcBody("application/json", "[{\"reference\":"), Does.EndWith("400").And.Contain("not a EncryptionKeyApplication[] in JSON"));
            Assert.That(KmcBody("application/json", "[]"), Does.EndWith("400").And.Contain("send 1..1000 entries"));
            Assert.That(KmcBody("text/plain", "[]"), Does.EndWith("415").And.Contain("send application/json"));
            Assert.That(KmcBody("application/json", "[{\"reference\":\"bad\",\"algorithm\":\"Sm2\",\"subject\":\"bm90IGEgbmFtZQ==\",\"actor\":\"ca\"}]"),
                Does.EndWith("400").And.Contain("the subject is not a DER Name"));

            // A dual application: two officers approve at the RA host, the CA host issues both certificates with a key the
            // KMC host generated and archived; the envelope opens with the applicant's signing key alone.
            var dualKey = Path.Combine(root, "dual.key");
            Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", dualKey);
            var dualCsr = Path.Combine(root, "dual.csr");
            Tools.OpenSsl("req", "-new", "-key", dualKey, "-subj", "/CN=Split Dual/O=HRSS", "-out", dualCsr);
            var dualBody = Path.Combine(root, "dual.json");
            File.WriteAllText(dualBody, System.Text.Json.JsonSerializer.Serialize(new { profile = "staff-dual", csr = File.ReadAllText(dualCsr), applicantName = "Split Dual", staffId = "D900", organization = "HRSS", unit = "IT", contact = "dual@hrss.example" }));
            var dualId = Regex.Match(ExternalTool.Run("curl", [.. asSystem, "-H", "Content-Type: application/json", "--data-binary", "@" + dualBody, $"https://127.0.0.1:{raPort}/api/v1/requests"]).StdOut, "\"id\":(\\d+)").Groups[1].Value;
            Assert.That(dualId, Is.Not.Empty);
            var officer2 = Regex.Matches(printed, @"Officer  login:\s+(\S+)\s+password: (\S+)")[1];
            foreach (var approver in new[] { asOfficer, [.. curl, "--cert-type", "P12", "--cert", $"{officer2.Groups[1].Value}:{officer2.Groups[2].Value}"] })
            {
                Assert.That(ExternalTool.Run("curl", [.. approver, "-H", "Content-Type: application/json", "--data-binary", "{\"reason\":\"split dual\"}",
                    $"https://127.0.0.1:{raPort}/api/v1/requests/{dualId}/approve"]).StdOut, Does.Contain("\"status\":"));
            }

            var dualSigning = Path.Combine(root, "dual.pem");
            await WaitForAsync(() => Task.FromResult(ExternalTool.Run("curl", [.. asSystem, "-o", dualSigning, "-w", "%{http_code}",
                $"https://127.0.0.1:{raPort}/api/v1/requests/{dualId}/certificate?format=pem"]).StdOut == "200"), ca, "dual issuance by the CA host through the KMC host");
            var dualEncryption = Path.Combine(root, "dual.encryption.pem");
            var dualEnvelope = Path.Combine(root, "dual.p7m");
            Assert.That(ExternalTool.Run("curl", [.. asSystem, "-o", dualEncryption, "-w", "%{http_code}", $"https://127.0.0.1:{raPort}/api/v1/requests/{dualId}/encryption-certificate?format=pem"]).StdOut, Is.EqualTo("200"));
            Assert.That(ExternalTool.Run("curl", [.. asSystem, "-o", dualEnvelope, "-w", "%{http_code}", $"https://127.0.0.1:{raPort}/api/v1/requests/{dualId}/envelope"]).StdOut, Is.EqualTo("200"));
            Assert.That(Tools.OpenSsl("verify", "-CAfile", rootPem, "-untrusted", Path.Combine(caDirectory, "issuing.pem"), dualEncryption).StdOut.Trim(), Is.EqualTo($"{dualEncryption}: OK"));
            var opened = Path.Combine(root, "dual-encryption-key.der");
            var decrypted = Tools.OpenSsl("cms", "-decrypt", "-inform", "DER", "-in", dualEnvelope, "-recip", dualSigning, "-inkey", dualKey, "-out", opened);
            Assert.That(decrypted.ExitCode, Is.EqualTo(0), decrypted.ToString());
            Assert.That(Tools.OpenSsl("pkey", "-inform", "DER", "-in", opened, "-pubout").StdOut.Trim(), Is.EqualTo(Tools.OpenSsl("x509", "-in", dualEncryption, "-noout", "-pubkey").StdOut.Trim()));
            // The CA host's client talks only to the KMC: pointed at another platform host (the RA's, whose TLS certificate
            // chains to the same root but is bound to platform:ra-tls) it refuses the handshake and nothing is asked.
            using (var view = await PkiPlatform.CaCore.Hosting.PkiRuntime.OpenAsync(PkiPlatform.CaCore.Hosting.DataDirectory.FromOption(data),
                PkiPlatform.CaCore.Hosting.DataDirectory.FromOption(data).LoadConfig(As("ra")), null, TimeProvider.System, default, KeyZone.Ra, migrate: false))
            {
                using var client = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(data, "ca", "kmc-client.p12"),
                    File.ReadAllText(Path.Combine(data, "ca", "kmc-client.pass")).Trim());
                using var rootCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(rootPem);
                using var issuingCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Path.Combine(caDirectory, "issuing.pem"));
                PkiPlatform.CaCore.Issuance.EncryptionKeyApplication[] probe = [new("probe", KeyAlgorithm.EcP256, [0x30, 0x00], "test")];
                using (var impostor = new PkiPlatform.CaCore.Host.RemoteKeyManagementCentre(view.Ca, new Uri($"https://127.0.0.1:{raPort}/"), client, rootCertificate, issuingCertificate))
                {
                    var refused = Assert.ThrowsAsync<HttpRequestException>(() => impostor.ApplyAsync(probe))!;
                    Assert.That(refused.Message, Does.Contain("cannot be reached or is not the KMC"));
                }

                using var real = new PkiPlatform.CaCore.Host.RemoteKeyManagementCentre(view.Ca, new Uri(kmcUrl + "/"), client, rootCertificate, issuingCertificate);
                Assert.That((await real.ApplyAsync(probe)).Single().PublicKey, Is.Not.Empty, "the same client reaches the real KMC");
            }

            // Key recovery through the KMC host (GM/T 0034 §12.5, judicial): each key-recovery officer calls it with their own
            // certificate and key at the handshake; the KMC decides by the account and its role. The key leaves only
            // enveloped for the named recipient's certificate, which openssl opens with the recipient's key.
            (string Path, string Password) Staff(string staffId, string role)
            {
                var added = PkiCli.Run(data, "officer", "add", "--staff-id", staffId, "--name", $"Split {staffId}", "--role", role);
                var match = Regex.Match(added.StdOut, @"credential (\S+)\s+password: (\S+)");
                Assert.That(match.Success, Is.True, added.ToString());
                return (match.Groups[1].Value, match.Groups[2].Value);
            }

            var (kr1, kr2, kr3, clerk) = (Staff("kr1", "KeyRecoveryOfficer"), Staff("kr2", "KeyRecoveryOfficer"), Staff("kr3", "KeyRecoveryOfficer"), Staff("clerk1", "Auditor"));
            var clerkPem = Path.Combine(root, "clerk.pem");
            var clerkKey = Path.Combine(root, "clerk.key");
            Assert.That(Tools.OpenSsl("pkcs12", "-in", clerk.Path, "-passin", $"pass:{clerk.Password}", "-clcerts", "-nokeys", "-out", clerkPem).ExitCode, Is.EqualTo(0));
            Assert.That(Tools.OpenSsl("pkcs12", "-in", clerk.Path, "-passin", $"pass:{clerk.Password}", "-nocerts", "-nodes", "-out", clerkKey).ExitCode, Is.EqualTo(0));
            var encryptionSerial = Tools.OpenSsl("x509", "-in", dualEncryption, "-noout", "-serial").StdOut.Trim()["serial=".Length..];
            string[] Recovery((string Path, string Password) who, params string[] arguments) => ["kmc", "recovery", .. arguments, "--as", who.Path, "--password", who.Password, "--kmc-url", kmcUrl + "/"];
            var recoveryOpened = PkiCli.Run(data, Recovery(kr1, "request", "--serial", encryptionSerial, "--kind", "judicial", "--recipient", clerkPem, "--reason", "court order 2026-17"));
            var recoveryId = Regex.Match(recoveryOpened.StdOut, @"recovery (\d+) opened by staff:kr1").Groups[1].Value;
            Assert.That(recoveryId, Is.Not.Empty, recoveryOpened + "\n" + kmc.Output);
            var released = Path.Combine(root, "recovered.p7m");
            var byRaOfficer = PkiCli.Run(data, Recovery((officer.Groups[1].Value, officer.Groups[2].Value), "approve", recoveryId, "--reason", "ok", "--out", released));
            Assert.That(byRaOfficer.StdErr, Does.Contain("(403)").And.Contain("does not hold the KeyRecoveryOfficer role"), byRaOfficer.ToString());
            Assert.That(PkiCli.Run(data, Recovery(kr1, "approve", recoveryId, "--reason", "mine", "--out", released)).StdErr, Does.Contain("(409)").And.Contain("cannot also approve"));
            var byCa = ExternalTool.Run("curl", [.. asCaClient, "-w", "\n%{http_code}", "-H", "Content-Type: application/json", "--data-binary", "{\"reason\":\"the CA\"}",
                $"{kmcUrl}/kmc/v1/recoveries/{recoveryId}/approve"]).StdOut;
            Assert.That(byCa, Does.EndWith("403").And.Contain("platform:ca does not hold the KeyRecoveryOfficer role"), "the CA's own certificate approves nothing");
            Assert.That(PkiCli.Run(data, Recovery(kr2, "approve", recoveryId, "--reason", "order checked", "--out", released)).StdOut,
                Does.Contain("asked by:  staff:kr1").And.Contain("account staff:clerk1").And.Contain("approval 1 of 2").And.Contain("nothing released"), "the officer sees what is approved");
            Assert.That(File.Exists(released), Is.False);
            var last = PkiCli.Run(data, Recovery(kr3, "approve", recoveryId, "--reason", "order checked again", "--out", released));
            Assert.That(last.StdOut, Does.Contain("approval 2 of 2").And.Contain("key released as cms-enveloped-data"), last + "\n" + kmc.Output);
            var again = Path.Combine(root, "recovered-again.p7m");
            Assert.That(PkiCli.Run(data, Recovery(kr2, "show", recoveryId, "--out", again)).StdOut, Does.Contain("(judicial, released)").And.Contain("approved:  staff:kr2, staff:kr3"));
            Assert.That(File.ReadAllBytes(again), Is.EqualTo(File.ReadAllBytes(released)), "the stored envelope, fetched again");
            var recoveredKey = Path.Combine(root, "recovered-key.der");
            Assert.That(Tools.OpenSsl("cms", "-decrypt", "-inform", "DER", "-in", released, "-recip", clerkPem, "-inkey", clerkKey, "-out", recoveredKey).ExitCode, Is.EqualTo(0));
            Assert.That(Tools.OpenSsl("pkey", "-inform", "DER", "-in", recoveredKey, "-pubout").StdOut.Trim(), Is.EqualTo(Tools.OpenSsl("x509", "-in", dualEncryption, "-noout", "-pubkey").StdOut.Trim()),
                "the clerk's key opens the released envelope: the archived key of the encryption certificate");
            // Whoever obtains an escrowed key (the clerk now) cannot log in with its certificate as the account's owner.
            var recoveredPem = Path.Combine(root, "recovered-key.pem");
            Tools.OpenSsl("pkey", "-inform", "DER", "-in", recoveredKey, "-out", recoveredPem);
            var asEncryption = ExternalTool.Run("curl", [.. curl, "--cert", dualEncryption, "--key", recoveredPem, "-w", "\n%{http_code}", $"{kmcUrl}/kmc/v1/recoveries/{recoveryId}"]).StdOut;
            Assert.That(asEncryption, Does.EndWith("403").And.Contain("not for client authentication"), "an encryption certificate proves no identity");

            await using (var archive = new NpgsqlConnection(owner))
            {
                await archive.OpenAsync();
                await using var keys = new NpgsqlCommand("SELECT count(*) FROM kmc_keys WHERE \"Status\" = 1", archive);
                Assert.That((long)(await keys.ExecuteScalarAsync())!, Is.GreaterThanOrEqualTo(1), "the key is archived and active at the KMC");
            }

            // Who issued it: the CA host's worker, for the RA request.
            await using var check = new NpgsqlConnection(owner);
            await check.OpenAsync();
            await using var query2 = new NpgsqlCommand($"SELECT count(*) FROM audit_events WHERE action = 'certificate.issued' AND actor = 'ra:request/{id.Groups[1].Value}'", check);
            Assert.That((long)(await query2.ExecuteScalarAsync())!, Is.EqualTo(1));
        }
        finally
        {
            await TearDown();
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin))
            {
                await drop.ExecuteNonQueryAsync();
            }

            foreach (var role in new[] { "ca", "ra", "token_service", "ocsp", "identity", "kmc" })
            {
                await using var dropRole = new NpgsqlCommand($"DROP ROLE IF EXISTS {prefix}{role}", admin);
                await dropRole.ExecuteNonQueryAsync();
            }

            Directory.Delete(root, recursive: true);
        }
    }
}
