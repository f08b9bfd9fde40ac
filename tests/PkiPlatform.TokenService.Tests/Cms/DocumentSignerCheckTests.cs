using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.TokenService.Cms;
using PkiPlatform.TokenService.Tests.Validation;

namespace PkiPlatform.TokenService.Tests.Cms;

/// <summary>RFC 5280 §4.2.1.3 / §4.2.1.12 for document signers, on certificates built here.</summary>
public sealed class DocumentSignerCheckTests
{
    private static readonly TestIssuer Root = TestCertificate.Root().Issue();

    private static TestCertificate Signer(int keyUsage, params KeyPurposeID[] ekus)
    {
        var leaf = TestCertificate.Leaf(Root).With(X509Extensions.KeyUsage, true, new KeyUsage(keyUsage));
        return ekus.Length == 0 ? leaf : leaf.With(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(ekus));
    }

    [Test]
    public void Check_NoEkuExtension_Accepted()
    {
        Assert.That(DocumentSignerCheck.Check(Signer(KeyUsage.DigitalSignature).Build(), SignerPolicy.Default), Is.Null);
    }

    [Test]
    public void Check_NonRepudiationOnlyWithEmailProtection_Accepted()
    {
        Assert.That(DocumentSignerCheck.Check(Signer(KeyUsage.NonRepudiation, KeyPurposeID.id_kp_emailProtection).Build(), SignerPolicy.Default), Is.Null);
    }

    [TestCase(KeyUsage.KeyEncipherment)]
    [TestCase(KeyUsage.KeyAgreement)]
    [TestCase(KeyUsage.DataEncipherment)]
    public void Check_KeyUsageWithoutSigning_Refused(int keyUsage)
    {
        var reason = DocumentSignerCheck.Check(Signer(keyUsage, KeyPurposeID.id_kp_emailProtection).Build(), SignerPolicy.Default);

        Assert.That(reason, Does.Contain("neither digitalSignature nor nonRepudiation"));
    }

    [Test]
    public void Check_ServerAuthAndClientAuthOnly_RefusedNamingBoth()
    {
        var reason = DocumentSignerCheck.Check(Signer(KeyUsage.DigitalSignature, KeyPurposeID.id_kp_serverAuth, KeyPurposeID.id_kp_clientAuth).Build(), SignerPolicy.Default);

        Assert.That(reason, Is.EqualTo("the signer certificate's extended key usage (serverAuth, clientAuth) does not allow document signing; "
            + "accepted: emailProtection (Signing:DocumentSigningExtendedKeyUsages)"));
    }

    [Test]
    public void Check_AnyExtendedKeyUsage_RefusedUnlessConfigured()
    {
        var certificate = Signer(KeyUsage.DigitalSignature, KeyPurposeID.AnyExtendedKeyUsage).Build();
        var configured = SignerPolicy.Default with
        {
            DocumentSigningExtendedKeyUsages = new HashSet<string> { SignerPolicy.EmailProtection, SignerPolicy.AnyExtendedKeyUsage },
        };

        Assert.That(DocumentSignerCheck.Check(certificate, SignerPolicy.Default), Does.Contain("(anyExtendedKeyUsage) does not allow document signing"));
        Assert.That(DocumentSignerCheck.Check(certificate, configured), Is.Null);
    }

    [Test]
    public void Check_CodeSigningConfigured_Accepted()
    {
        var certificate = Signer(KeyUsage.DigitalSignature, KeyPurposeID.id_kp_codeSigning).Build();
        var configured = SignerPolicy.Default with { DocumentSigningExtendedKeyUsages = new HashSet<string> { "1.3.6.1.5.5.7.3.3" } };

        Assert.That(DocumentSignerCheck.Check(certificate, SignerPolicy.Default), Is.Not.Null);
        Assert.That(DocumentSignerCheck.Check(certificate, configured), Is.Null);
    }

    [Test]
    public void Check_MalformedEku_RefusedWithReasonNotException()
    {
        var certificate = Signer(KeyUsage.DigitalSignature).With(X509Extensions.ExtendedKeyUsage, false, new Org.BouncyCastle.Asn1.DerUtf8String("not a sequence")).Build();

        Assert.That(DocumentSignerCheck.Check(certificate, SignerPolicy.Default), Does.Contain("malformed"));
    }
}
