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
