using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.Utilities.Collections;
using Org.BouncyCastle.X509;
using PkiPlatform.TestKit;
using CmsAttribute = Org.BouncyCastle.Asn1.Cms.Attribute;

namespace PkiPlatform.TokenService.Tests.Cms;

/// <summary>
/// SignedData made in the test with any signing-time and any RFC 3161 token over the signature, from any TSA key and
/// with any genTime: what a forger (or a TSA outside the allow-list) can produce.
/// </summary>
internal static class TestSignedData
{
    public static AsymmetricKeyParameter PrivateKey(TestLeaf leaf)
    {
        var pem = PemEncoding.Find(File.ReadAllText(leaf.KeyPath));
        return PrivateKeyFactory.CreateKey(Convert.FromBase64String(File.ReadAllText(leaf.KeyPath)[pem.Base64Data]));
    }

    public static X509Certificate Certificate(TestLeaf leaf) => new X509CertificateParser().ReadCertificate(leaf.Der);

    /// <summary>Attached SignedData by an EC P-256 <paramref name="signer"/>, SHA-256, claiming <paramref name="signingTime"/>.</summary>
    public static CmsSignedData Sign(byte[] content, TestLeaf signer, DateTime signingTime, IEnumerable<X509Certificate>? extra = null)
    {
        var attributes = new Dictionary<DerObjectIdentifier, object>
        {
            [CmsAttributes.SigningTime] = new CmsAttribute(CmsAttributes.SigningTime, new DerSet(new Time(signingTime))),
        };
        var generator = new CmsSignedDataGenerator();
        generator.AddSigner(PrivateKey(signer), Certificate(signer), NistObjectIdentifiers.IdSha256.Id, new AttributeTable(attributes), null);
        generator.AddCertificates(CollectionUtilities.CreateStore(new[] { Certificate(signer) }.Concat(extra ?? []).ToList()));
        return generator.Generate(new CmsProcessableByteArray(content), true);
    }

    /// <summary>The same SignedData with a token from <paramref name="tsa"/> dated <paramref name="genTime"/> over its (only) signature.</summary>
    public static byte[] WithTimestamp(CmsSignedData signed, TestLeaf tsa, DateTime genTime)
    {
        var signer = signed.GetSignerInfos().GetSigners().Single();
        var tokenGenerator = new TimeStampTokenGenerator(PrivateKey(tsa), Certificate(tsa), NistObjectIdentifiers.IdSha256.Id, "1.3.6.1.4.1.32473.1.4.1");
        tokenGenerator.SetCertificates(CollectionUtilities.CreateStore(new[] { Certificate(tsa) }));
        var requestGenerator = new TimeStampRequestGenerator();
        requestGenerator.SetCertReq(true);
        var request = requestGenerator.Generate(NistObjectIdentifiers.IdSha256.Id, SHA256.HashData(signer.GetSignature()));
        var token = tokenGenerator.Generate(request, BigInteger.ValueOf(Random.Shared.NextInt64(1, long.MaxValue)), genTime);
        var unsigned = new AttributeTable(new Dictionary<DerObjectIdentifier, object>
        {
            [PkcsObjectIdentifiers.IdAASignatureTimeStampToken] = new CmsAttribute(PkcsObjectIdentifiers.IdAASignatureTimeStampToken,
                new DerSet(Asn1Object.FromByteArray(token.GetEncoded()))),
        });
        var stamped = SignerInformation.ReplaceUnsignedAttributes(signer, unsigned);
        return CmsSignedData.ReplaceSigners(signed, new SignerInformationStore(stamped)).GetEncoded(Asn1Encodable.Der);
    }
}
