using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using PkiPlatform.CaCore.Lint;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.CaCore.Tests.Lint;

/// <summary>Each RFC 5280 rule: a TBS that keeps it passes, one that breaks it is refused with the rule's reason.</summary>
public sealed class CertificateLinterTests
{
    private static readonly SubjectPublicKeyInfo Spki = SubjectPublicKeyInfo.GetInstance(
        Org.BouncyCastle.Asn1.Pkcs.CertificationRequest.GetInstance(TestCsr.Create(KeyAlgorithm.EcP256, "CN=k").Der).GetCertificationRequestInfo().SubjectPublicKeyInfo);

    private static readonly DateTime Now = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private static TbsCertificateStructure Tbs(
        Action<X509ExtensionsGenerator>? extensions = null,
        X509Name? subject = null,
        DateTime? notBefore = null,
        DateTime? notAfter = null,
        long serial = 0x4000_0000_0000_0001,
        bool standard = true)
    {
        var generator = new V3TbsCertificateGenerator();
        generator.SetSerialNumber(DerInteger.ValueOf(serial));
        generator.SetSignature(new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha256));
        generator.SetIssuer(new X509Name("CN=Issuer"));
        generator.SetStartDate(new Time(notBefore ?? Now));
        generator.SetEndDate(new Time(notAfter ?? Now.AddDays(30)));
        generator.SetSubject(subject ?? new X509Name("CN=Leaf"));
        generator.SetSubjectPublicKeyInfo(Spki);
        var ext = new X509ExtensionsGenerator();
        if (standard)
        {
            ext.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
            ext.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));
            ext.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(new byte[20]));
        }

        extensions?.Invoke(ext);
        generator.SetExtensions(ext.Generate());
        return generator.GenerateTbsCertificate();
    }

    private static X509CertificateStructure Issuer(DateTime notBefore, DateTime notAfter)
    {
        var generator = new V3TbsCertificateGenerator();
        generator.SetSerialNumber(DerInteger.ValueOf(1));
        generator.SetSignature(new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha256));
        generator.SetIssuer(new X509Name("CN=Issuer"));
        generator.SetStartDate(new Time(notBefore));
        generator.SetEndDate(new Time(notAfter));
        generator.SetSubject(new X509Name("CN=Issuer"));
        generator.SetSubjectPublicKeyInfo(Spki);
        return new X509CertificateStructure(generator.GenerateTbsCertificate(), new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha256), new DerBitString(new byte[8]));
    }

    private static readonly X509CertificateStructure WideIssuer = Issuer(Now.AddYears(-1), Now.AddYears(5));

    private static IReadOnlyList<string> Lint(TbsCertificateStructure tbs, X509CertificateStructure? issuer = null) =>
        CertificateLinter.Default.Findings(new LintSubject(tbs, issuer ?? WideIssuer));

    [Test]
    public void Clean_EndEntity_NoFindings() => Assert.That(Lint(Tbs()), Is.Empty);

    [Test]
    public void Serial_NotPositive_Refused() => Assert.That(Lint(Tbs(serial: -5)), Has.Some.Contains("serial number is not positive"));

    [Test]
    public void Validity_Inverted_Refused() => Assert.That(Lint(Tbs(notBefore: Now, notAfter: Now.AddDays(-1))), Has.Some.Contains("notAfter is not after notBefore"));

    [Test]
    public void Validity_OutlivesIssuer_Refused() =>
        Assert.That(Lint(Tbs(notAfter: Now.AddYears(10))), Has.Some.Contains("outside the issuer's validity"));

    [Test]
    public void EmptySubject_WithCriticalSan_Passes() =>
        Assert.That(Lint(Tbs(e => e.AddExtension(X509Extensions.SubjectAlternativeName, true, new GeneralNames(new GeneralName(GeneralName.DnsName, "a.example"))), subject: new X509Name(""))), Is.Empty);

    [Test]
    public void EmptySubject_WithoutCriticalSan_Refused() =>
        Assert.That(Lint(Tbs(e => e.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.DnsName, "a.example"))), subject: new X509Name(""))),
            Has.Some.Contains("empty subject without a critical subjectAltName"));

    [Test]
    public void PathLen_WithoutCa_Refused()
    {
        var tbs = Tbs(e =>
        {
            e.AddExtension(X509Extensions.BasicConstraints, true, new DerSequence(DerBoolean.False, DerInteger.ValueOf(0)));
            e.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));
            e.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(new byte[20]));
        }, standard: false);
        Assert.That(Lint(tbs), Has.Some.Contains("pathLenConstraint without cA TRUE"));
    }

    [Test]
    public void Ca_BasicConstraintsNotCritical_Refused()
    {
        var tbs = Tbs(e =>
        {
            e.AddExtension(X509Extensions.BasicConstraints, false, new BasicConstraints(0));
            e.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign));
            e.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(new byte[20]));
            e.AddExtension(X509Extensions.SubjectKeyIdentifier, false, new SubjectKeyIdentifier(new byte[20]));
        }, standard: false);
        Assert.That(Lint(tbs), Is.EqualTo(new[] { "CA basicConstraints is not critical (RFC 5280 §4.2.1.9)" }));
    }

    [Test]
    public void KeyCertSign_OnEndEntity_Refused()
    {
        var tbs = Tbs(e =>
        {
            e.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
            e.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign));
            e.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(new byte[20]));
        }, standard: false);
        Assert.That(Lint(tbs), Has.Some.Contains("keyCertSign without cA TRUE"));
    }

    [Test]
    public void KeyUsage_Missing_Refused()
    {
        var tbs = Tbs(e => e.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(new byte[20])), standard: false);
        Assert.That(Lint(tbs), Has.Some.Contains("keyUsage is missing"));
    }

    [Test]
    public void AuthorityKeyIdentifier_Missing_Refused()
    {
        var tbs = Tbs(e => e.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature)), standard: false);
        Assert.That(Lint(tbs), Has.Some.Contains("authorityKeyIdentifier is missing"));
    }

    [Test]
    public void UnknownCriticalExtension_Refused() =>
        Assert.That(Lint(Tbs(e => e.AddExtension(new DerObjectIdentifier("1.3.6.1.4.1.32473.9.9"), true, DerNull.Instance))),
            Has.Some.Contains("critical extension 1.3.6.1.4.1.32473.9.9"));

    [Test]
    public void OcspNoCheck_WithoutOcspSigning_Refused() =>
        Assert.That(Lint(Tbs(e => e.AddExtension(OcspObjectIdentifiers.PkixOcspNocheck, false, DerNull.Instance))), Has.Some.Contains("id-pkix-ocsp-nocheck"));

    [Test]
    public void OcspNoCheck_WithOcspSigning_Passes() =>
        Assert.That(Lint(Tbs(e =>
        {
            e.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_OCSPSigning));
            e.AddExtension(OcspObjectIdentifiers.PkixOcspNocheck, false, DerNull.Instance);
        })), Is.Empty);

    [Test]
    public void EnsureClean_Findings_ThrowLintFailed()
    {
        var error = Assert.Throws<PkiException>(() => CertificateLinter.Default.EnsureClean(new LintSubject(Tbs(serial: -1), WideIssuer)))!;
        Assert.That(error.Code, Is.EqualTo(CaErrorCodes.LintFailed));
    }
}
