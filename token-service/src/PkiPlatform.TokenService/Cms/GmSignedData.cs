using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.KeyStore;
using ContentInfo = Org.BouncyCastle.Asn1.Cms.ContentInfo;
using SignedData = Org.BouncyCastle.Asn1.Cms.SignedData;
using SignerInfo = Org.BouncyCastle.Asn1.Cms.SignerInfo;
using IssuerAndSerialNumber = Org.BouncyCastle.Asn1.Cms.IssuerAndSerialNumber;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// GM/T 0010-2012 (GB/T 35275-2017) §8 signedData for SM2 keys, beside the RFC 5652 form: the same SignedData structure
/// (version 1) under the SM2 cryptographic message syntax OIDs — ContentInfo type <see cref="SignedDataType"/>
/// (1.2.156.10197.6.1.4.2.2) around content type <see cref="DataType"/> (…4.2.1), digest algorithm SM3
/// (1.2.156.10197.1.401, parameters absent), signature algorithm SM2-1 (1.2.156.10197.1.301.1) — with no authenticated
/// attributes: the SM2 signature (user ID 1234567812345678, GM/T 0009) is over the content itself, and the signature
/// value is the DER SM2Signature (r, s). An RFC 3161 timestamp over the signature may follow as unauthenticated
/// attribute (id-aa-signatureTimeStampToken), as in the RFC form. docs/signing.md shows an example.
/// </summary>
public static class GmSignedData
{
    public const string Format = "gmt0010";

    public static readonly DerObjectIdentifier DataType = new("1.2.156.10197.6.1.4.2.1");

    public static readonly DerObjectIdentifier SignedDataType = new("1.2.156.10197.6.1.4.2.2");

    public static readonly DerObjectIdentifier EnvelopedDataType = new("1.2.156.10197.6.1.4.2.3");

    public static readonly DerObjectIdentifier Sm3 = new("1.2.156.10197.1.401");

    /// <summary>SM2-1, the SM2 digital signature algorithm (GM/T 0006).</summary>
    public static readonly DerObjectIdentifier Sm2Sign = new("1.2.156.10197.1.301.1");

    /// <summary>SM3withSM2 (GM/T 0015's certificate signature algorithm), what RFC-form SignerInfos carry.</summary>
    private static readonly DerObjectIdentifier Sm3WithSm2 = new("1.2.156.10197.1.501");

    /// <summary>The SignedData (and its ContentInfo) for one signer over <paramref name="content"/>.</summary>
    /// <param name="signature">DER SM2Signature over the content.</param>
    /// <param name="unauthenticated">Unauthenticated attributes (the timestamp), or null.</param>
    public static ContentInfo Create(byte[] content, bool detached, X509CertificateStructure signer, IEnumerable<X509CertificateStructure> certificates,
        byte[] signature, Asn1Set? unauthenticated = null)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var sm3 = new AlgorithmIdentifier(Sm3);
        var signerInfo = new SignerInfo(new SignerIdentifier(new IssuerAndSerialNumber(signer.Issuer, signer.SerialNumber)), sm3,
            (Asn1Set?)null, new AlgorithmIdentifier(Sm2Sign), new DerOctetString(signature), unauthenticated);
        // Written out, not through BouncyCastle's SignedData: that would compute version 3 for a content type other than
        // id-data (RFC 5652 §5.1), where GM/T 0010 §8.1 has version 1.
        var signedData = new DerSequence(
            DerInteger.One,
            new DerSet(sm3),
            new ContentInfo(DataType, detached ? null : new DerOctetString(content)),
            new DerTaggedObject(false, 0, new DerSet(certificates.Cast<Asn1Encodable>().ToArray())),
            new DerSet(signerInfo));
        return new ContentInfo(SignedDataType, signedData);
    }

    /// <summary>Whether a ContentInfo is GM/T 0010 signedData.</summary>
    public static bool Is(ContentInfo info) => (info ?? throw new ArgumentNullException(nameof(info))).ContentType.Equals(SignedDataType);

    /// <summary>
    /// The RFC 5652 reading of a GM/T 0010 signedData, for the one verifier: content types id-signedData / id-data and
    /// each SM2-1 SignerInfo as SM3withSM2. Without authenticated attributes the signature covers only the content, so
    /// the renaming changes nothing the signature depends on; a GM/T 0010 SignerInfo with authenticated attributes is
    /// refused (its content-type attribute would name the GM data type, which the renamed form cannot match).
    /// </summary>
    public static ContentInfo ToRfc5652(ContentInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var gm = SignedData.GetInstance(info.Content);
        if (!gm.EncapContentInfo.ContentType.Equals(DataType))
        {
            throw new PkiException(TokenErrorCodes.CmsWrongContentType,
                $"a GM/T 0010 signedData carries GM/T 0010 data ({DataType.Id}); this one carries {gm.EncapContentInfo.ContentType.Id}");
        }

        var signers = new List<Asn1Encodable>();
        foreach (var entry in gm.SignerInfos)
        {
            var signer = SignerInfo.GetInstance(entry);
            if (signer.SignedAttrs is not null)
            {
                throw new PkiException(TokenErrorCodes.CmsMalformed, "GM/T 0010 signedData with authenticated attributes is not supported: its signers sign the content itself");
            }

            var algorithm = signer.SignatureAlgorithm.Algorithm.Equals(Sm2Sign) ? new AlgorithmIdentifier(Sm3WithSm2) : signer.SignatureAlgorithm;
            signers.Add(new SignerInfo(signer.SignerID, signer.DigestAlgorithm, (Asn1Set?)null, algorithm, signer.Signature, signer.UnsignedAttrs));
        }

        var rfc = new SignedData(gm.DigestAlgorithms, new ContentInfo(PkcsObjectIdentifiers.Data, gm.EncapContentInfo.Content), gm.Certificates, gm.CRLs, new DerSet(signers.ToArray()));
        return new ContentInfo(CmsObjectIdentifiers.SignedData, rfc);
    }
}
