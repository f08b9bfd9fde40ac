using System.Text.Json;
using System.Text.RegularExpressions;
using PkiPlatform.Interop.Tests.Cli;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Kmc;

/// <summary>
/// Issue 13 through the RA against a running <c>pki up</c>: a dual-certificate application (the applicant's signing CSR)
/// approved by two officers; the CA worker issues both certificates with the KMC's key; the API delivers the signing
/// certificate, the encryption certificate and the envelope, which openssl cms opens with the signing key alone.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DualCertificateApiTests
{
    private string _root = "";
    private string _data = "";
    private string _ra = "";
#pragma warning disable NUnit1032 // disposed in OneTimeTearDown
    private PkiUpProcess _up = null!;
#pragma warning restore NUnit1032
    private (string Path, string Password) _officer;
    private (string Path, string Password) _officer2;
    private (string Path, string Password) _system;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _root = Directory.CreateTempSubdirectory("pki-kmc-").FullName;
        _data = Path.Combine(_root, "data");
        var port = FreePort.Next();
        Assert.That(PkiCli.Run(_data, "init", "--kdf-cost", "12", "--base-url", $"http://127.0.0.1:{port}").ExitCode, Is.EqualTo(0));
        var raPort = FreePort.Next();
        string Port() => FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _up = PkiUpProcess.Start(_data, "--ra-port", raPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--idp-port", Port(), "--idp-mtls-port", Port());
        var banner = await _up.WaitForBannerAsync();
        _ra = $"https://127.0.0.1:{raPort}";
        var officers = Regex.Matches(banner, @"Officer  login:\s+(\S+)\s+password: (\S+)");
        var system = Regex.Match(banner, @"System\s+login:\s+(\S+)\s+password: (\S+)");
        Assert.That(officers.Count >= 2 && system.Success, Is.True, banner);
        _officer = (officers[0].Groups[1].Value, officers[0].Groups[2].Value);
        _officer2 = (officers[1].Groups[1].Value, officers[1].Groups[2].Value);
        _system = (system.Groups[1].Value, system.Groups[2].Value);
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _up?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Root => Path.Combine(_data, "publish", "ca", "root.pem");

    private ExternalTool.Result Curl((string Path, string Password) certificate, params string[] arguments) =>
        ExternalTool.Run("curl", ["-s", "--cacert", Root, "--cert-type", "P12", "--cert", $"{certificate.Path}:{certificate.Password}", .. arguments]);

    private string Apply(string profile, string csr, string staffId)
    {
        var body = Path.Combine(_root, staffId + ".json");
        File.WriteAllText(body, JsonSerializer.Serialize(new { profile, csr = File.ReadAllText(csr), applicantName = "Dual Staff", staffId, organization = "HRSS", unit = "IT", contact = "dual@hrss.example" }));
        return Curl(_system, "-H", "Content-Type: application/json", "--data-binary", "@" + body, $"{_ra}/api/v1/requests").StdOut;
    }

    [Test]
    public async Task DualApplication_TwoApprovals_BothCertificatesAndTheEnvelope_OpenWithTheSigningKeyAlone()
    {
        var key = Path.Combine(_root, "dual.key");
        Assert.That(Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key).ExitCode, Is.EqualTo(0));
        var csr = Path.Combine(_root, "dual.csr");
        Assert.That(Tools.OpenSsl("req", "-new", "-key", key, "-subj", "/CN=Dual Staff/O=HRSS", "-out", csr).ExitCode, Is.EqualTo(0));
        var applied = Apply("staff-dual", csr, "D100");
        var id = Regex.Match(applied, "\"id\":(\\d+)").Groups[1].Value;
        Assert.That(id, Is.Not.Empty, applied);
        foreach (var officer in new[] { _officer, _officer2 })
        {
            var approved = Curl(officer, "-H", "Content-Type: application/json", "--data-binary", "{\"reason\":\"identity checked\"}", $"{_ra}/api/v1/requests/{id}/approve");
            Assert.That(approved.StdOut, Does.Contain("\"status\":"), approved.ToString());
        }

        var signing = Path.Combine(_root, "dual.pem");
        for (var i = 0; i < 60 && Curl(_system, "-o", signing, "-w", "%{http_code}", $"{_ra}/api/v1/requests/{id}/certificate?format=pem").StdOut != "200"; i++)
        {
            await Task.Delay(500);
        }

        var view = Curl(_system, $"{_ra}/api/v1/requests/{id}").StdOut;
        Assert.That(view, Does.Contain("\"encryptionSerial\":\"").And.Contain("\"envelopeFormat\":\"cms-enveloped-data\""), view + "\n" + _up.Output);
        var encryption = Path.Combine(_root, "dual.encryption.pem");
        Assert.That(Curl(_system, "-o", encryption, "-w", "%{http_code}", $"{_ra}/api/v1/requests/{id}/encryption-certificate?format=pem").StdOut, Is.EqualTo("200"));
        var envelope = Path.Combine(_root, "dual.p7m");
        Assert.That(Curl(_system, "-o", envelope, "-w", "%{http_code}", $"{_ra}/api/v1/requests/{id}/envelope").StdOut, Is.EqualTo("200"));

        var chain = Path.Combine(_data, "publish", "ca", "issuing.pem");
        foreach (var certificate in new[] { signing, encryption })
        {
            var verify = Tools.OpenSsl("verify", "-CAfile", Root, "-untrusted", chain, certificate);
            Assert.That(verify.StdOut.Trim(), Is.EqualTo($"{certificate}: OK"), verify.ToString());
            Assert.That(Tools.ZlintErrors(certificate), Is.Empty);
        }

        var opened = Path.Combine(_root, "dual-encryption-key.der");
        var decrypted = Tools.OpenSsl("cms", "-decrypt", "-inform", "DER", "-in", envelope, "-recip", signing, "-inkey", key, "-out", opened);
        Assert.That(decrypted.ExitCode, Is.EqualTo(0), decrypted.ToString());
        var recovered = Tools.OpenSsl("pkey", "-inform", "DER", "-in", opened, "-pubout").StdOut;
        Assert.That(recovered.Trim(), Is.EqualTo(Tools.OpenSsl("x509", "-in", encryption, "-noout", "-pubkey").StdOut.Trim()));

        // The portal's tracking page (the applicant's link) offers the encryption certificate and the same envelope.
        string code;
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data, "ca.db")};Mode=ReadOnly"))
        {
            await db.OpenAsync();
            await using var query = db.CreateCommand();
            query.CommandText = $"SELECT tracking_code FROM ra_requests WHERE id = {int.Parse(id, System.Globalization.CultureInfo.InvariantCulture)}";
            code = (string)(await query.ExecuteScalarAsync())!;
        }

        var page = ExternalTool.Run("curl", ["-s", "--cacert", Root, $"{_ra}/Track/{code}"]).StdOut;
        Assert.That(page, Does.Contain("download-encryption-pem").And.Contain("download-envelope"), page);
        var fromPortal = Path.Combine(_root, "portal.p7m");
        ExternalTool.Run("curl", ["-s", "--cacert", Root, "-o", fromPortal, $"{_ra}/Track/{code}?handler=Envelope"]);
        Assert.That(File.ReadAllBytes(fromPortal), Is.EqualTo(File.ReadAllBytes(envelope)));

        // Another key cannot open it.
        var other = Path.Combine(_root, "other.key");
        Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", other);
        Assert.That(Tools.OpenSsl("cms", "-decrypt", "-inform", "DER", "-in", envelope, "-recip", signing, "-inkey", other, "-out", opened + ".x").ExitCode, Is.Not.EqualTo(0));
    }

    private ExternalTool.Result Enroll(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        PkiCli.Run(_data, environment, ["enroll", "--ra", _ra, "--ca-file", Root, .. arguments]);

    private void ApproveTwice(string trackingCode)
    {
        var view = ExternalTool.Run("curl", ["-s", "--cacert", Root, $"{_ra}/api/v1/applications/{trackingCode}"]).StdOut;
        var id = Regex.Match(view, "\"id\":(\\d+)").Groups[1].Value;
        Assert.That(id, Is.Not.Empty, view);
        foreach (var officer in new[] { _officer, _officer2 })
        {
            var approved = Curl(officer, "-H", "Content-Type: application/json", "--data-binary", "{\"reason\":\"identity checked\"}", $"{_ra}/api/v1/requests/{id}/approve");
            Assert.That(approved.StdOut, Does.Contain("\"status\":"), approved.ToString());
        }
    }

    /// <summary>Submits with --wait 0 (exit 3 and the tracking code), has two officers approve, then resumes until it finishes.</summary>
    private async Task<ExternalTool.Result> EnrollAndFinishAsync(IReadOnlyDictionary<string, string> environment, string[] key, params string[] applicant)
    {
        var submitted = Enroll(environment, [.. key, .. applicant, "--wait", "0"]);
        Assert.That(submitted.ExitCode, Is.EqualTo(3), submitted.ToString());
        var code = Regex.Match(submitted.StdOut, "tracking code ([0-9A-F]{32})").Groups[1].Value;
        Assert.That(code, Is.Not.Empty, submitted.ToString());
        ApproveTwice(code);
        var output = applicant[Array.IndexOf(applicant, "--out") + 1];
        ExternalTool.Result finished = null!;
        for (var i = 0; i < 30; i++)
        {
            finished = Enroll(environment, [.. key, "--tracking-code", code, "--out", output, "--wait", "20"]);
            if (finished.ExitCode != 3)
            {
                break;
            }

            await Task.Delay(500);
        }

        Assert.That(finished.ExitCode, Is.EqualTo(0), finished.ToString() + "\n" + _up.Output);
        return finished;
    }

    [Test]
    public async Task Enroll_EcdsaOnSoftHsmToken_BothCertificatesAndTheEncryptionKeyEndUpOnTheToken()
    {
        var hsm = SoftHsmToken.Shared;
        var label = "enr" + Guid.NewGuid().ToString("N")[..8];
        var environment = new Dictionary<string, string>(hsm.Environment) { ["PKI_TOKEN_PIN"] = hsm.Pin };
        string[] key = ["--pkcs11-module", SoftHsmToken.ModulePath, "--token-label", hsm.Label, "--label", label];
        var signing = Path.Combine(_root, label + ".pem");
        var finished = await EnrollAndFinishAsync(environment, key, "--profile", "staff-dual", "--name", "Token Staff", "--staff-id", "T-" + label,
            "--organization", "HRSS", "--unit", "IT", "--out", signing);
        Assert.That(finished.StdOut, Does.Contain($"encryption key '{label}-enc' unwrapped onto the token"), finished.ToString());

        // pkcs11-tool (OpenSC) lists the two key pairs and both certificates; the encryption key is sensitive and cannot be exported.
        var objects = ExternalTool.Run("pkcs11-tool", ["--module", SoftHsmToken.ModulePath, "--token-label", hsm.Label, "--login", "--pin", hsm.Pin, "--list-objects"], environment: hsm.Environment);
        Assert.That(objects.ExitCode, Is.EqualTo(0), objects.ToString());
        // One block per object: a heading line, then indented attributes (their order differs between OpenSC versions).
        var blocks = Regex.Split(objects.StdOut, @"\n(?=\S)");
        string Block(string kind, string name) => blocks.SingleOrDefault(b => b.StartsWith(kind, StringComparison.Ordinal) && Regex.IsMatch(b, $@"\n\s+label:\s+{name}(\n|$)"))
            ?? throw new AssertionException($"{kind} {name} missing:\n{objects.StdOut}");
        foreach (var kind in new[] { "Private Key Object", "Public Key Object", "Certificate Object" })
        {
            Block(kind, label + "-sign");
            Block(kind, label + "-enc");
        }

        var encryptionKey = Block("Private Key Object", label + "-enc");
        Assert.That(encryptionKey, Does.Match(@"Usage:\s+derive\n").And.Contain("sensitive"), encryptionKey);
        Assert.That(Block("Private Key Object", label + "-sign"), Does.Contain("never extractable"));

        var encryption = Path.Combine(_root, label + ".encryption.pem");
        var chain = Path.Combine(_data, "publish", "ca", "issuing.pem");
        foreach (var certificate in new[] { signing, encryption })
        {
            var verify = Tools.OpenSsl("verify", "-CAfile", Root, "-untrusted", chain, certificate);
            Assert.That(verify.StdOut.Trim(), Is.EqualTo($"{certificate}: OK"), verify.ToString());
        }

        // The key on the token is the encryption certificate's: openssl encrypts to the certificate, and decrypts with the token key through the pkcs11 engine.
        var message = Path.Combine(_root, label + ".txt");
        File.WriteAllText(message, "payroll for November");
        var encrypted = message + ".p7m";
        Assert.That(Tools.OpenSsl("cms", "-encrypt", "-aes256", "-in", message, "-recip", encryption, "-outform", "DER", "-out", encrypted).ExitCode, Is.EqualTo(0));
        var decrypted = ExternalTool.Run("openssl", ["cms", "-decrypt", "-inform", "DER", "-in", encrypted, "-recip", encryption, "-engine", "pkcs11", "-keyform", "engine",
            "-inkey", $"pkcs11:token={hsm.Label};object={label}-enc;type=private;pin-value={hsm.Pin}"], environment: hsm.Environment);
        Assert.That(decrypted.StdOut, Does.Contain("payroll for November"), decrypted.ToString());
    }

    [Test]
    public async Task Enroll_Sm2KeyFile_EncryptionKeyRecoveredIntoAnEncryptedKeyFileOpenSslReads()
    {
        var passphrase = new Dictionary<string, string> { ["PKI_KEY_PASSPHRASE"] = "enrolment passphrase 1" };
        var keyFile = Path.Combine(_root, "sm2-staff.key");
        var signing = Path.Combine(_root, "sm2-staff.pem");
        var finished = await EnrollAndFinishAsync(passphrase, ["--key-file", keyFile], "--profile", "staff-sm2-dual", "--name", "SM2 Staff", "--staff-id", "S-ENR1",
            "--organization", "HRSS", "--out", signing);
        Assert.That(finished.StdOut, Does.Contain("sm2-staff.encryption.key"), finished.ToString());
        var encryptionKey = Path.Combine(_root, "sm2-staff.encryption.key");
        var text = Tools.OpenSsl("pkey", "-in", encryptionKey, "-passin", "pass:enrolment passphrase 1", "-noout", "-text");
        Assert.That(text.StdOut, Does.Contain("SM2").And.Contain("Private-Key: (256 bit)"), text.ToString());
        var recovered = Tools.OpenSsl("pkey", "-in", encryptionKey, "-passin", "pass:enrolment passphrase 1", "-pubout").StdOut.Trim();
        Assert.That(recovered, Is.EqualTo(Tools.OpenSsl("x509", "-in", Path.Combine(_root, "sm2-staff.encryption.pem"), "-noout", "-pubkey").StdOut.Trim()));
        var signingPublic = Tools.OpenSsl("pkey", "-in", keyFile, "-passin", "pass:enrolment passphrase 1", "-pubout").StdOut.Trim();
        Assert.That(signingPublic, Is.EqualTo(Tools.OpenSsl("x509", "-in", signing, "-noout", "-pubkey").StdOut.Trim()));
        Assert.That(File.GetUnixFileMode(encryptionKey), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(Tools.OpenSsl("pkey", "-in", encryptionKey, "-passin", "pass:wrong passphrase!", "-noout").ExitCode, Is.Not.EqualTo(0));
    }

    [Test]
    public void Enroll_BadInput_ClearRefusals_AndNoKeyLeftBehind()
    {
        var passphrase = new Dictionary<string, string> { ["PKI_KEY_PASSPHRASE"] = "enrolment passphrase 2" };
        var both = Enroll(passphrase, "--key-file", Path.Combine(_root, "x.key"), "--pkcs11-module", SoftHsmToken.ModulePath, "--token-label", "t", "--name", "A", "--staff-id", "X1", "--organization", "O", "--out", Path.Combine(_root, "x.pem"));
        Assert.That(both.ExitCode, Is.EqualTo(2), both.ToString());
        Assert.That(both.StdErr, Does.Contain("not both"), both.ToString());
        var plain = PkiCli.Run(_data, passphrase, "enroll", "--ra", _ra.Replace("https", "http", StringComparison.Ordinal), "--key-file", Path.Combine(_root, "x.key"), "--out", Path.Combine(_root, "x.pem"));
        Assert.That(plain.StdErr, Does.Contain("must be an https address"), plain.ToString());
        var unknown = Enroll(passphrase, "--key-file", Path.Combine(_root, "x.key"), "--tracking-code", new string('0', 32), "--out", Path.Combine(_root, "x.pem"));
        Assert.That(unknown.ExitCode, Is.EqualTo(2));
        Assert.That(unknown.StdErr, Does.Contain("does not exist: resume with the key file"), unknown.ToString());

        // Refused by the RA (the encryption profile alone; a platform profile): the key this run generated is removed again.
        foreach (var profile in new[] { "staff-dual-encryption", "ocsp-signing" })
        {
            var keyFile = Path.Combine(_root, $"refused-{profile}.key");
            var refused = Enroll(passphrase, "--key-file", keyFile, "--profile", profile, "--name", "Refused", "--staff-id", "R-" + profile, "--organization", "HRSS", "--out", Path.Combine(_root, "refused.pem"));
            Assert.That(refused.ExitCode, Is.EqualTo(2), refused.ToString());
            Assert.That(refused.StdErr, Does.Contain("the RA refused (4"), refused.ToString());
            Assert.That(refused.StdOut, Does.Contain("the new signing key was removed again"), refused.ToString());
            Assert.That(File.Exists(keyFile), Is.False);
        }

        // The applicant API: an unknown tracking code is a 404 problem; a public application cannot name an account.
        var missing = ExternalTool.Run("curl", ["-s", "-w", "%{http_code}", "--cacert", Root, $"{_ra}/api/v1/applications/{new string('A', 32)}/envelope"]).StdOut;
        Assert.That(missing, Does.Contain("no application has this tracking code").And.EndWith("404"), missing);
        var body = Path.Combine(_root, "account.json");
        File.WriteAllText(body, "{\"profile\":\"staff-dual\",\"csr\":\"x\",\"applicantName\":\"A\",\"staffId\":\"A1\",\"organization\":\"O\",\"account\":\"staff:OTHER\"}");
        var account = ExternalTool.Run("curl", ["-s", "-w", "%{http_code}", "--cacert", Root, "-H", "Content-Type: application/json", "--data-binary", "@" + body, $"{_ra}/api/v1/applications"]).StdOut;
        Assert.That(account, Does.Contain("account may not be set").And.EndWith("400"), account);
        // The applicant API is the RA's own submission path: a system profile needs the system's certificate, a reserved or
        // another account's subject is refused, exactly as on the Apply page.
        var ecKey = Path.Combine(_root, "applicant.key");
        Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ecKey);
        foreach (var (profile, subject, expected) in new[]
        {
            ("business-system", "/CN=app.localhost/O=HRSS", "is for registered business systems"),
            ("staff-dual", "/CN=RA Officer/O=HRSS PKI", "is equal or equivalent to the subject of account"),
        })
        {
            var csr = Path.Combine(_root, "applicant.csr");
            Tools.OpenSsl("req", "-new", "-key", ecKey, "-subj", subject, "-out", csr);
            File.WriteAllText(body, JsonSerializer.Serialize(new { profile, csr = File.ReadAllText(csr), applicantName = "A", staffId = "AP1", organization = "HRSS" }));
            var refused = ExternalTool.Run("curl", ["-s", "-w", " %{http_code}", "--cacert", Root, "-H", "Content-Type: application/json", "--data-binary", "@" + body, $"{_ra}/api/v1/applications"]).StdOut;
            Assert.That(refused, Does.Contain(expected).And.Match(@" 4\d\d$"), profile + ": " + refused);
        }

        // A cross-site form cannot post here: only JSON is read.
        var form = ExternalTool.Run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", Root, "-d", "profile=staff-dual", $"{_ra}/api/v1/applications"]).StdOut;
        Assert.That(form, Is.EqualTo("415"));
    }

    [Test]
    public async Task SingleCertificateApplication_HasNoEncryptionCertificateOrEnvelope_ClearRefusal()
    {
        var key = Path.Combine(_root, "single.key");
        Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
        var csr = Path.Combine(_root, "single.csr");
        Tools.OpenSsl("req", "-new", "-key", key, "-subj", "/CN=Single Staff/O=HRSS", "-out", csr);
        var body = Path.Combine(_root, "single.json");
        File.WriteAllText(body, JsonSerializer.Serialize(new { profile = "staff-auth", csr = File.ReadAllText(csr), applicantName = "Single Staff", staffId = "SGL1", organization = "HRSS" }));
        var submitted = ExternalTool.Run("curl", ["-s", "--cacert", Root, "-H", "Content-Type: application/json", "--data-binary", "@" + body, $"{_ra}/api/v1/applications"]).StdOut;
        var code = Regex.Match(submitted, "\"trackingCode\":\"([0-9A-F]{32})\"").Groups[1].Value;
        Assert.That(code, Is.Not.Empty, submitted);
        string Get(string path) => ExternalTool.Run("curl", ["-s", "-w", " %{http_code}", "--cacert", Root, $"{_ra}/api/v1/applications/{code}{path}"]).StdOut;

        // Before approval: nothing to download, and the refusal says why.
        Assert.That(Get("/certificate"), Does.Contain("has no certificate yet (status Pending)"));
        ApproveTwice(code);
        for (var i = 0; i < 60 && !Get("").Contains("\"status\":\"Done\"", StringComparison.Ordinal); i++)
        {
            await Task.Delay(500);
        }

        Assert.That(Get("/certificate?format=pem"), Does.Contain("BEGIN CERTIFICATE").And.EndWith(" 200"));
        foreach (var path in new[] { "/encryption-certificate", "/envelope" })
        {
            var refused = Get(path);
            Assert.That(refused, Does.Contain("only dual-certificate profiles have one").And.Not.EndWith(" 200").And.Not.EndWith(" 500"), path + ": " + refused);
        }

        var id = Regex.Match(submitted, "\"id\":(\\d+)").Groups[1].Value;
        foreach (var path in new[] { "encryption-certificate", "envelope" })
        {
            var refused = Curl(_officer, "-w", " %{http_code}", $"{_ra}/api/v1/requests/{id}/{path}").StdOut;
            Assert.That(refused, Does.Contain("only dual-certificate profiles have one").And.Not.EndWith(" 500"), path + ": " + refused);
        }

        var page = ExternalTool.Run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", Root, $"{_ra}/Track/{code}?handler=Envelope"]).StdOut;
        Assert.That(page, Is.EqualTo("404"));
    }

    [Test]
    public void TheEncryptionProfile_CannotBeAppliedFor_WithTheApplicantsOwnKey()
    {
        var key = Path.Combine(_root, "own.key");
        Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
        var csr = Path.Combine(_root, "own.csr");
        Tools.OpenSsl("req", "-new", "-key", key, "-subj", "/CN=Own Key/O=HRSS", "-out", csr);
        var refused = Apply("staff-dual-encryption", csr, "D200");
        Assert.That(refused, Does.Contain("profile.dual").And.Contain("apply for staff-dual or staff-sm2-dual"), refused);
    }
}
