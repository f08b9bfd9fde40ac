using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Issuance.Checks;
using PkiPlatform.CaCore.Profiles;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.CaCore.Tests.Issuance;

public sealed class IssuanceChecksTests
{
    private static readonly ProfileCatalog Profiles = ProfileCatalog.Defaults();

    private static CheckResult Run(IIssuanceCheck check, string profile, KeyAlgorithm key, string subject, params string[] sans) =>
        check.Evaluate(CertificateRequest.Parse(TestCsr.Create(key, subject, sans).Der), Profiles.Get(profile));

    [TestCase(KeyAlgorithm.EcP256)]
    [TestCase(KeyAlgorithm.Rsa2048)]
    [TestCase(KeyAlgorithm.Sm2)]
    public void CsrSignature_Genuine_Passes(KeyAlgorithm key) =>
        Assert.That(Run(new CsrSignatureCheck(), "staff-auth", key, "CN=A").Passed, Is.True);

    [Test]
    public void CsrSignature_Altered_Fails()
    {
        var der = TestCsr.Create(KeyAlgorithm.EcP256, "CN=Alice").Der;
        var index = der.AsSpan().IndexOf("Alice"u8);
        der[index] = (byte)'M'; // same length, different subject: the signature no longer matches
        var result = new CsrSignatureCheck().Evaluate(CertificateRequest.Parse(der), Profiles.Get("staff-auth"));
        Assert.That(result.Passed, Is.False);
        Assert.That(result.Message, Does.Contain("does not verify"));
    }

    [Test]
    public void CsrSignature_KmcKey_PassesOnlyUnderAProfileForKmcKeys()
    {
        // Issue 13: the KMC's encryption key comes with no request (GM/T 0014); only a "keySource": "kmc" profile takes it.
        var kmcKey = KmcKey();
        var accepted = new CsrSignatureCheck().Evaluate(kmcKey, Profiles.Get("staff-dual-encryption"));
        Assert.That(accepted.Passed, accepted.Message);
        Assert.That(accepted.Message, Does.Contain("key management centre"));
        var refused = new CsrSignatureCheck().Evaluate(kmcKey, Profiles.Get("staff-auth"));
        Assert.That(refused.Passed, Is.False, "a key without proof of possession under an ordinary profile");
        Assert.That(refused.Message, Does.Contain("no CSR"));
        Assert.That(kmcKey.IsKmcKey);
        Assert.That(kmcKey.KeyAlgorithm, Is.EqualTo(KeyAlgorithm.Sm2), kmcKey.KeyDescription);
    }

    [Test]
    public void KmcKey_PointOffTheCurve_Refused()
    {
        var spki = KmcKey().PublicKey.GetDerEncoded();
        spki[^1] ^= 0x01; // the point's y coordinate altered: no longer on sm2p256v1
        var error = Assert.Throws<PkiPlatform.KeyStore.PkiException>(() => CertificateRequest.ForKmcKey(
            new Org.BouncyCastle.Asn1.X509.X509Name("CN=Zhang San,O=HRSS"), Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo.GetInstance(spki)));
        Assert.That(error!.Code, Is.EqualTo(CaErrorCodes.BadCsr));
        Assert.That(error.Message, Does.Contain("key management centre"));
    }

    private static CertificateRequest KmcKey()
    {
        var pair = PkiPlatform.KeyStore.Curves.Sm2KeyPairGenerator.Generate(PkiPlatform.KeyStore.Curves.Sm2Domain.Parameters);
        var spki = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public);
        return CertificateRequest.ForKmcKey(new Org.BouncyCastle.Asn1.X509.X509Name("CN=Zhang San,O=HRSS"), spki);
    }

    [Test]
    public void KeyAlgorithm_Allowed_Passes() =>
        Assert.That(Run(new KeyAlgorithmCheck(), "server-tls", KeyAlgorithm.Rsa2048, "CN=x", "dns:x.example").Passed, Is.True);

    [Test]
    public void KeyAlgorithm_Sm2OnServerTls_FailsListingAllowed()
    {
        var result = Run(new KeyAlgorithmCheck(), "server-tls", KeyAlgorithm.Sm2, "CN=x");
        Assert.That(result.Passed, Is.False);
        Assert.That(result.Message, Does.Contain("SM2").And.Contain("rsa-2048"));
    }

    [Test]
    public void KeyAlgorithm_Rsa1024_FailsAsTooSmall()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(1024);
        var der = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=weak", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1).CreateSigningRequest();
        var result = new KeyAlgorithmCheck().Evaluate(CertificateRequest.Parse(der), Profiles.Get("staff-auth"));
        Assert.That(result.Message, Does.Contain("RSA 1024").And.Contain("not allowed"));
    }

    [Test]
    public void SubjectAttributes_Complete_Passes() =>
        Assert.That(Run(new SubjectAttributesCheck(), "business-system", KeyAlgorithm.EcP256, "CN=sys, O=HRSS").Passed, Is.True);

    [Test]
    public void SubjectAttributes_MissingRequired_Fails() =>
        Assert.That(Run(new SubjectAttributesCheck(), "business-system", KeyAlgorithm.EcP256, "CN=sys").Message, Does.Contain("lacks required attribute(s) O"));

    [Test]
    public void SubjectAttributes_NotAllowed_Fails() =>
        Assert.That(Run(new SubjectAttributesCheck(), "tsa", KeyAlgorithm.EcP256, "CN=tsa, L=Somewhere").Message, Does.Contain("L not allowed"));

    [Test]
    public void SubjectPattern_Match_Passes() =>
        Assert.That(Run(new SubjectPatternCheck(), "staff-auth", KeyAlgorithm.EcP256, "CN=Alice, C=CN").Passed, Is.True);

    [Test]
    public void SubjectPattern_NoMatch_Fails() =>
        Assert.That(Run(new SubjectPatternCheck(), "staff-auth", KeyAlgorithm.EcP256, "CN=Alice <script>").Message, Does.Contain("does not match the pattern"));

    [Test]
    public void SubjectAltName_Allowed_Passes() =>
        Assert.That(Run(new SubjectAltNameCheck(), "server-tls", KeyAlgorithm.EcP256, "CN=web", "dns:web.example.org", "ip:10.0.0.1").Passed, Is.True);

    [Test]
    public void SubjectAltName_TypeNotAllowed_Fails() =>
        Assert.That(Run(new SubjectAltNameCheck(), "staff-auth", KeyAlgorithm.EcP256, "CN=a", "dns:evil.example").Message, Does.Contain("dns is not allowed"));

    [Test]
    public void SubjectAltName_RequiredButAbsent_Fails() =>
        Assert.That(Run(new SubjectAltNameCheck(), "server-tls", KeyAlgorithm.EcP256, "CN=web").Message, Does.Contain("requires a subjectAltName"));

    [Test]
    public void SubjectAltName_PatternMismatch_Fails() =>
        Assert.That(Run(new SubjectAltNameCheck(), "server-tls", KeyAlgorithm.EcP256, "CN=web", "dns:bad_name.example").Message, Does.Contain("does not match"));

    [TestCase("")]
    [TestCase("not a csr at all")]
    [TestCase("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")]
    public void Parse_Malformed_ClearError(string input)
    {
        var error = Assert.Throws<PkiException>(() => CertificateRequest.Parse(System.Text.Encoding.ASCII.GetBytes(input)))!;
        Assert.That(error.Code, Is.EqualTo(CaErrorCodes.BadCsr));
    }

    [Test]
    public void Parse_TruncatedDer_ClearError()
    {
        var der = TestCsr.Create(KeyAlgorithm.EcP256, "CN=a").Der;
        var error = Assert.Throws<PkiException>(() => CertificateRequest.Parse(der.AsSpan(0, der.Length - 10)))!;
        Assert.That(error.Message, Does.StartWith("the CSR is not a valid PKCS#10 request"));
    }

    [Test]
    public void Parse_Oversized_RefusedBeforeParsing()
    {
        var error = Assert.Throws<PkiException>(() => CertificateRequest.Parse(new byte[CertificateRequest.MaxDerLength + 1]))!;
        Assert.That(error.Message, Does.Contain("at most"));
    }

    [Test]
    public void Parse_Pem_SameAsDer()
    {
        var der = TestCsr.Create(KeyAlgorithm.EcP256, "CN=pem").Der;
        var pem = System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", der);
        Assert.That(CertificateRequest.Parse(System.Text.Encoding.ASCII.GetBytes(pem)).Subject.ToString(), Is.EqualTo("CN=pem"));
    }
}
