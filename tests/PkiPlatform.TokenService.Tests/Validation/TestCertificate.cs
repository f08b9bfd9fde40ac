using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace PkiPlatform.TokenService.Tests.Validation;

/// <summary>
/// Throwaway certificates built field by field at run time (EC P-256, SHA-256), including what a conforming CA
/// must not issue: negative serials, critical AKI, missing identifiers, empty subjects. Start from
/// <see cref="Root"/>, <see cref="Ca"/> or <see cref="Leaf"/> and change what the test is about.
/// </summary>
internal sealed class TestCertificate
{
    private static readonly SecureRandom Random = new();

    private readonly Dictionary<DerObjectIdentifier, (bool Critical, Asn1Encodable Value)> _extensions = [];

    private TestCertificate(string subject, AsymmetricCipherKeyPair key, TestIssuer? issuer)
    {
        Subject = subject.Length == 0 ? new X509Name(new List<DerObjectIdentifier>(), new List<string>()) : new X509Name(subject);
        Key = key;
        Issuer = issuer;
        NotBefore = DateTime.UtcNow.AddDays(-1);
        NotAfter = DateTime.UtcNow.AddDays(30);
    }

    public X509Name Subject { get; set; }

    public AsymmetricCipherKeyPair Key { get; }

    public TestIssuer? Issuer { get; }

    public BigInteger Serial { get; set; } = new BigInteger(64, Random).Add(BigInteger.One);

    public DateTime NotBefore { get; set; }

    public DateTime NotAfter { get; set; }

    public static AsymmetricCipherKeyPair NewKey()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1, Random));
        return generator.GenerateKeyPair();
    }

    /// <summary>A self-signed CA: basicConstraints cA (critical), keyUsage keyCertSign+cRLSign (critical), SKI.</summary>
    public static TestCertificate Root(string subject = "CN=Test Root,O=Strict") =>
        new TestCertificate(subject, NewKey(), null).AsCa();

    /// <summary>An intermediate CA issued by <paramref name="issuer"/>, with AKI and SKI.</summary>
    public static TestCertificate Ca(TestIssuer issuer, string subject = "CN=Test Issuing CA,O=Strict") =>
        new TestCertificate(subject, NewKey(), issuer).AsCa().WithAki();

    /// <summary>An end entity: cA=FALSE, keyUsage digitalSignature (critical), AKI, SKI.</summary>
    public static TestCertificate Leaf(TestIssuer issuer, string subject = "CN=Test Leaf,O=Strict") =>
        new TestCertificate(subject, NewKey(), issuer)
            .With(X509Extensions.BasicConstraints, true, new BasicConstraints(false))
            .With(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature))
            .WithSki().WithAki();

    public TestCertificate With(DerObjectIdentifier oid, bool critical, Asn1Encodable value)
    {
        _extensions[oid] = (critical, value);
        return this;
    }

    public TestCertificate Without(DerObjectIdentifier oid)
    {
        _extensions.Remove(oid);
        return this;
    }

    public TestCertificate WithAki(bool critical = false) =>
        With(X509Extensions.AuthorityKeyIdentifier, critical, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(Issuer?.Public ?? Key.Public));

    public TestCertificate WithSki() => With(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(Key.Public));

    public TestCertificate WithSan(bool critical, params GeneralName[] names) => With(X509Extensions.SubjectAlternativeName, critical, new GeneralNames(names));

    public TestCertificate WithNameConstraints(GeneralSubtree[]? permitted, GeneralSubtree[]? excluded = null) =>
        With(X509Extensions.NameConstraints, true, new NameConstraints(permitted is null ? null : new GeneralSubtrees(permitted), excluded is null ? null : new GeneralSubtrees(excluded)));

    public X509Certificate Build()
    {
        var tbs = new V3TbsCertificateGenerator();
        tbs.SetSerialNumber(new DerInteger(Serial));
        tbs.SetIssuer(Issuer?.Name ?? Subject);
        tbs.SetSubject(Subject);
        tbs.SetStartDate(new Time(NotBefore));
        tbs.SetEndDate(new Time(NotAfter));
        tbs.SetSubjectPublicKeyInfo(Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(Key.Public));
        var factory = new Asn1SignatureFactory("SHA256withECDSA", Issuer?.Private ?? Key.Private);
        tbs.SetSignature((AlgorithmIdentifier)factory.AlgorithmDetails);
        if (_extensions.Count > 0)
        {
            var generator = new X509ExtensionsGenerator();
            foreach (var (oid, (critical, value)) in _extensions)
            {
                generator.AddExtension(oid, critical, value);
            }

            tbs.SetExtensions(generator.Generate());
        }

        var structure = tbs.GenerateTbsCertificate();
        var signer = factory.CreateCalculator();
        using (var stream = signer.Stream)
        {
            structure.EncodeTo(stream, Asn1Encodable.Der);
        }

        var signature = ((IBlockResult)signer.GetResult()).Collect();
        return new X509Certificate(new X509CertificateStructure(structure, (AlgorithmIdentifier)factory.AlgorithmDetails, new DerBitString(signature)));
    }

    /// <summary>Builds the certificate and returns it with what certificates it issues need.</summary>
    public TestIssuer Issue()
    {
        var certificate = Build();
        return new TestIssuer(certificate, Subject, Key.Private, Key.Public);
    }

    private TestCertificate AsCa() =>
        With(X509Extensions.BasicConstraints, true, new BasicConstraints(true))
            .With(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign))
            .WithSki();
}

/// <summary>A built CA certificate and its key.</summary>
internal sealed record TestIssuer(X509Certificate Certificate, X509Name Name, AsymmetricKeyParameter Private, AsymmetricKeyParameter Public);
