using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Certificates;

/// <summary>
/// Every profile's certificate, under an ECDSA and an RSA CA, checked by tools nobody here wrote:
/// OpenSSL (strict, with the profile's purpose), GnuTLS certtool, and zlint's RFC lints.
/// </summary>
[TestFixture(KeyAlgorithm.EcP256)]
[TestFixture(KeyAlgorithm.Rsa2048)]
public sealed class ProfileInteropTests(KeyAlgorithm caAlgorithm)
{
    private TestPki _pki = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp() => _pki = await TestPki.CreateAsync(caAlgorithm);

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_pki is not null)
        {
            await _pki.DisposeAsync();
        }
    }

    public static IEnumerable<TestCaseData> Profiles()
    {
        yield return new TestCaseData("staff-auth", KeyAlgorithm.EcP256, "CN=Zhang San,O=HRSS,C=CN", new[] { "email:zhangsan@hrss.example" }, "sslclient");
        yield return new TestCaseData("staff-signing", KeyAlgorithm.EcP256, "CN=Zhang San,O=HRSS", new[] { "email:zhangsan@hrss.example" }, "smimesign");
        yield return new TestCaseData("staff-encryption", KeyAlgorithm.Rsa2048, "CN=Zhang San,O=HRSS", new[] { "email:zhangsan@hrss.example" }, "smimeencrypt");
        yield return new TestCaseData("staff-encryption", KeyAlgorithm.EcP384, "CN=Zhang San,O=HRSS", Array.Empty<string>(), "any");
        yield return new TestCaseData("server-tls", KeyAlgorithm.Rsa2048, "CN=portal.hrss.example,O=HRSS", new[] { "dns:portal.hrss.example", "ip:127.0.0.1" }, "sslserver");
        yield return new TestCaseData("server-tls", KeyAlgorithm.EcP256, "", new[] { "dns:api.hrss.example" }, "sslserver");
        yield return new TestCaseData("business-system", KeyAlgorithm.EcP256, "CN=Pension System,O=HRSS", new[] { "dns:pension.hrss.example" }, "sslclient");
        yield return new TestCaseData("business-system", KeyAlgorithm.Rsa3072, "CN=Payroll,O=HRSS", Array.Empty<string>(), "sslserver");
        yield return new TestCaseData("ocsp-signing", KeyAlgorithm.EcP256, "CN=HRSS OCSP Responder,O=HRSS", Array.Empty<string>(), "ocsphelper");
        yield return new TestCaseData("system-signing", KeyAlgorithm.EcP256, "CN=Pension System Signer,O=HRSS", Array.Empty<string>(), "smimesign");
        yield return new TestCaseData("system-encryption", KeyAlgorithm.Rsa2048, "CN=Pension System Decryption,O=HRSS", Array.Empty<string>(), "smimeencrypt");
        yield return new TestCaseData("tsa", KeyAlgorithm.EcP256, "CN=HRSS TSA,O=HRSS", Array.Empty<string>(), "timestampsign");
        yield return new TestCaseData("tsa", KeyAlgorithm.Rsa2048, "CN=HRSS TSA RSA,O=HRSS", Array.Empty<string>(), "timestampsign");
    }

    [TestCaseSource(nameof(Profiles))]
    public async Task Issued_VerifiesWithOpenSslCertToolAndPassesZlint(string profile, KeyAlgorithm key, string subject, string[] sans, string purpose)
    {
        var leaf = await _pki.IssueAsync(profile, subject, sans, key);

        var openssl = Tools.OpenSsl("verify", "-x509_strict", "-purpose", purpose, "-CAfile", _pki.RootPemPath, "-untrusted", _pki.IssuingPemPath, leaf.CertificatePath);
        Assert.That(openssl.StdOut.Trim(), Is.EqualTo($"{leaf.CertificatePath}: OK"), openssl.ToString());

        var bundle = _pki.WriteFile($"{leaf.Serial}-bundle.pem", System.Text.Encoding.ASCII.GetBytes(Pem.Certificate(leaf.Der) + Pem.Certificate(_pki.IssuingDer)));
        var certtool = Tools.CertTool("--verify", "--load-ca-certificate", _pki.RootPemPath, "--infile", bundle);
        Assert.That(certtool.Output, Does.Contain("Chain verification output: Verified."), certtool.ToString());

        Assert.That(Tools.ZlintErrors(leaf.CertificatePath), Is.Empty);
    }

    [Test]
    public void CaCertificates_PassZlintAndStrictVerify()
    {
        Assert.That(Tools.ZlintErrors(_pki.RootPemPath), Is.Empty);
        Assert.That(Tools.ZlintErrors(_pki.IssuingPemPath), Is.Empty);
        var openssl = Tools.OpenSsl("verify", "-x509_strict", "-CAfile", _pki.RootPemPath, _pki.IssuingPemPath);
        Assert.That(openssl.StdOut.Trim(), Is.EqualTo($"{_pki.IssuingPemPath}: OK"), openssl.ToString());
    }

    [Test]
    public void ExpiredLeaf_OpenSslRefusesAsExpired()
    {
        var openssl = Tools.OpenSsl("verify", "-CAfile", _pki.RootPemPath, "-untrusted", _pki.IssuingPemPath, _pki.ExpiredLeaf.CertificatePath);
        Assert.That(openssl.Output, Does.Contain("certificate has expired"), openssl.ToString());
    }

    [Test]
    public async Task WrongEkuLeaf_OpenSslRefusesForServerPurpose()
    {
        var leaf = await _pki.WrongEkuLeafAsync();
        var openssl = Tools.OpenSsl("verify", "-purpose", "sslserver", "-CAfile", _pki.RootPemPath, "-untrusted", _pki.IssuingPemPath, leaf.CertificatePath);
        Assert.That(openssl.Output, Does.Contain("unsuitable certificate purpose"), openssl.ToString());
    }
}
