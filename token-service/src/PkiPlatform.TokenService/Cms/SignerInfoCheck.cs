using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.X509;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// RFC 5652 §5.4/§5.6 for one SignerInfo: with signed attributes, the content-type attribute must name the
/// encapsulated content type and the message-digest attribute must equal the digest of the content, and the
/// signature covers the DER encoding of the attributes (or, as OpenSSL also accepts, the order they arrived
/// in); without them, the content must be id-data and the signature covers it directly.
/// The signature itself is checked as the signing side makes it: .NET's OpenSSL-backed RSA and ECDSA for
/// PKCS#1 v1.5, PSS (salt = hash length, MGF1 with the same hash) and ECDSA on NIST curves; BouncyCastle for
/// SM2, DSA and other parameters.
/// </summary>
internal static class SignerInfoCheck
{
    private static readonly DerObjectIdentifier IdData = PkcsObjectIdentifiers.Data;

    /// <returns>Null if the signature is good, else why not.</returns>
    public static string? Verify(SignerInformation signer, byte[] content, DerObjectIdentifier contentType, X509Certificate certificate)
    {
        var digestOid = signer.DigestAlgorithmID.Algorithm.Id;
        var attributes = signer.SignerInfo.SignedAttrs;
        if (attributes is null)
        {
            if (!contentType.Equals(IdData))
            {
                return "signed attributes are missing, which RFC 5652 §5.3 requires for content other than id-data";
            }

            return SignatureMatches(signer, digestOid, [content], certificate) ? null : Mismatch;
        }

        var table = signer.SignedAttributes;
        var type = table[CmsAttributes.ContentType];
        if (type is null || type.AttrValues.Count != 1 || !DerObjectIdentifier.GetInstance(type.AttrValues[0]).Equals(contentType))
        {
            return "the signed content-type attribute is missing or does not name the encapsulated content type (RFC 5652 §11.1)";
        }

        var digest = table[CmsAttributes.MessageDigest];
        if (digest is null || digest.AttrValues.Count != 1)
        {
            return "the signed message-digest attribute is missing (RFC 5652 §11.2)";
        }

        if (!CryptographicOperations.FixedTimeEquals(Asn1OctetString.GetInstance(digest.AttrValues[0]).GetOctets(), Digest(digestOid, content)))
        {
            return "the content does not match the message-digest the signer signed (the content was altered)";
        }

        // DER first; some signers sign their attributes in an order that is not DER's, and OpenSSL verifies them as received.
        var der = attributes.GetEncoded(Asn1Encodable.Der);
        var received = attributes.GetEncoded(Asn1Encodable.DL);
        byte[][] signed = received.AsSpan().SequenceEqual(der) ? [der] : [der, received];
        return SignatureMatches(signer, digestOid, signed, certificate) ? null : Mismatch;
    }

    private const string Mismatch = "the signature does not match the content (the content or the signature was altered, or another key signed)";

    /// <param name="signer">The SignerInfo.</param>
    /// <param name="digestOid">Its digest algorithm.</param>
    /// <param name="signed">The encodings the signature may cover, preferred first (the first is what BouncyCastle's own check covers).</param>
    /// <param name="certificate">The signer's certificate.</param>
    private static bool SignatureMatches(SignerInformation signer, string digestOid, byte[][] signed, X509Certificate certificate)
    {
        var signature = signer.GetSignature();
        var algorithm = signer.SignatureAlgorithm;
        var name = HashName(digestOid);
        switch (algorithm.Algorithm.Id)
        {
            case "1.2.840.10045.2.1" or "1.2.840.10045.4.3.2" or "1.2.840.10045.4.3.3" or "1.2.840.10045.4.3.4" when name is not null && IsNistCurve(certificate):
                using (var ecdsa = ECDsa.Create())
                {
                    ecdsa.ImportSubjectPublicKeyInfo(Spki(certificate), out _);
                    return signed.Any(data => ecdsa.VerifyHash(Digest(digestOid, data), signature, DSASignatureFormat.Rfc3279DerSequence));
                }

            case "1.2.840.113549.1.1.1" or "1.2.840.113549.1.1.11" or "1.2.840.113549.1.1.12" or "1.2.840.113549.1.1.13" when name is not null:
                using (var rsa = RSA.Create())
                {
                    rsa.ImportSubjectPublicKeyInfo(Spki(certificate), out _);
                    // RFC 8017 §9.2 note 2: some signers omit the NULL parameters in DigestInfo; BouncyCastle accepts both.
                    return signed.Any(data => rsa.VerifyHash(Digest(digestOid, data), signature, name.Value, RSASignaturePadding.Pkcs1))
                        || BouncyCastleMatches(signer, signed, certificate);
                }

            case "1.2.840.113549.1.1.10" when name is not null && IsPlainPss(algorithm, digestOid):
                using (var rsa = RSA.Create())
                {
                    rsa.ImportSubjectPublicKeyInfo(Spki(certificate), out _);
                    return signed.Any(data => rsa.VerifyHash(Digest(digestOid, data), signature, name.Value, RSASignaturePadding.Pss));
                }

            default:
                return BouncyCastleMatches(signer, signed, certificate);
        }
    }

    /// <summary>
    /// SM2 (its own user-ID pre-hash), DSA, PSS with other parameters: BouncyCastle's own CMS check over the first
    /// encoding, then a signer by algorithm name over the others.
    /// </summary>
    private static bool BouncyCastleMatches(SignerInformation signer, byte[][] signed, X509Certificate certificate)
    {
        try
        {
            if (signer.Verify(PublicKeys.Of(certificate)))
            {
                return true;
            }
        }
        catch (CmsException)
        {
            return false;
        }

        if (signed.Length == 1)
        {
            return false;
        }

        var digest = Org.BouncyCastle.Security.DigestUtilities.GetAlgorithmName(signer.DigestAlgorithmID.Algorithm).Replace("-", "", StringComparison.Ordinal);
        var name = signer.SignatureAlgorithm.Algorithm.Id switch
        {
            "1.2.840.10040.4.1" => $"{digest}withDSA",
            var other => other,
        };
        try
        {
            foreach (var data in signed.Skip(1))
            {
                var verifier = Org.BouncyCastle.Security.SignerUtilities.GetSigner(name);
                verifier.Init(false, PublicKeys.Of(certificate));
                verifier.BlockUpdate(data, 0, data.Length);
                if (verifier.VerifySignature(signer.GetSignature()))
                {
                    return true;
                }
            }

            return false;
        }
        catch (Org.BouncyCastle.Security.SecurityUtilityException)
        {
            return false;
        }
    }

    private static byte[] Digest(string oid, byte[] data) => HashName(oid) switch
    {
        { } name when name == HashAlgorithmName.SHA256 => SHA256.HashData(data),
        { } name when name == HashAlgorithmName.SHA384 => SHA384.HashData(data),
        { } name when name == HashAlgorithmName.SHA512 => SHA512.HashData(data),
        _ => Org.BouncyCastle.Security.DigestUtilities.CalculateDigest(oid, data),
    };

    private static HashAlgorithmName? HashName(string digestOid) => digestOid switch
    {
        "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
        "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
        "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
        _ => null,
    };

    private static bool IsNistCurve(X509Certificate certificate) =>
        AlgorithmIdentifier.GetInstance(certificate.CertificateStructure.SubjectPublicKeyInfo.Algorithm).Parameters is DerObjectIdentifier curve
        && curve.Id is "1.2.840.10045.3.1.7" or "1.3.132.0.34" or "1.3.132.0.35";

    /// <summary>RFC 4055 PSS whose MGF1 hash is the message hash and whose salt is the hash length: what .NET implements.</summary>
    private static bool IsPlainPss(AlgorithmIdentifier algorithm, string digestOid)
    {
        var parameters = RsassaPssParameters.GetInstance(algorithm.Parameters ?? DerSequence.Empty);
        var mgfHash = AlgorithmIdentifier.GetInstance(parameters.MaskGenAlgorithm.Parameters).Algorithm.Id;
        var length = digestOid switch { "2.16.840.1.101.3.4.2.1" => 32, "2.16.840.1.101.3.4.2.2" => 48, _ => 64 };
        return parameters.HashAlgorithm.Algorithm.Id == digestOid && mgfHash == digestOid
            && parameters.SaltLength.HasValue(length) && parameters.TrailerField.HasValue(1);
    }

    private static byte[] Spki(X509Certificate certificate) => certificate.CertificateStructure.SubjectPublicKeyInfo.GetDerEncoded();
}
