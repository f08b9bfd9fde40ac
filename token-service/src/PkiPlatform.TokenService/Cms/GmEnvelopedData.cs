using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Paddings;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.X509;
using PkiPlatform.KeyStore;
using ContentInfo = Org.BouncyCastle.Asn1.Cms.ContentInfo;
using IssuerAndSerialNumber = Org.BouncyCastle.Asn1.Cms.IssuerAndSerialNumber;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// GM/T 0010-2012 (GB/T 35275-2017) §9 envelopedData for SM2 recipients, beside RFC 5652 EnvelopedData: the same
/// ASN.1 under the SM2 cryptographic message syntax OIDs — ContentInfo type <see cref="GmSignedData.EnvelopedDataType"/>
/// (1.2.156.10197.6.1.4.2.3); one <c>KeyTransRecipientInfo</c> (version 0, issuerAndSerialNumber) per recipient whose
/// keyEncryptionAlgorithm is SM2-3 encryption (<see cref="Sm2Encrypt"/>, 1.2.156.10197.1.301.3, parameters absent) and
/// encryptedKey the DER SM2Cipher (GM/T 0009 §7.2, C1 ‖ C3 ‖ C2) of a fresh 128-bit SM4 key; the content (type
/// <see cref="GmSignedData.DataType"/>) under SM4-CBC (<see cref="Sm4Cbc"/>, 1.2.156.10197.1.104.2, parameters the
/// 16-byte IV as OCTET STRING) with PKCS#7 padding. docs/signing.md shows an example and opens it with OpenSSL.
/// </summary>
public static class GmEnvelopedData
{
    public const string Format = GmSignedData.Format;

    /// <summary>SM2-3, the SM2 public-key encryption algorithm (GM/T 0006).</summary>
    public static readonly DerObjectIdentifier Sm2Encrypt = new("1.2.156.10197.1.301.3");

    public static readonly DerObjectIdentifier Sm4Cbc = new("1.2.156.10197.1.104.2");

    private const int KeyEncipherment = 2;

    /// <summary>The ContentInfo (DER) enveloping <paramref name="content"/> for SM2 encryption certificates.</summary>
    public static byte[] Create(byte[] content, IReadOnlyList<X509Certificate> recipients)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(recipients);
        var infos = new Asn1EncodableVector();
        var key = RandomNumberGenerator.GetBytes(16);
        try
        {
            foreach (var recipient in recipients)
            {
                var (usage, publicKey) = MalformedInput.Parse(() => (recipient.GetKeyUsage(), recipient.GetPublicKey()), PkiErrorCodes.InvalidArgument,
                    $"the key usage or public key of recipient '{recipient.SubjectDN}' cannot be read");
                if (publicKey is not ECPublicKeyParameters { PublicKeyParamSet.Id: "1.2.156.10197.1.301" } sm2)
                {
                    throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm, $"format {Format} envelopes for SM2 keys only; recipient '{recipient.SubjectDN}' has another kind: use format rfc5652");
                }

                if (usage is not null && !usage[KeyEncipherment])
                {
                    throw new PkiException(PkiErrorCodes.InvalidArgument, $"recipient '{recipient.SubjectDN}' is not an encryption certificate (its key usage lacks keyEncipherment)");
                }

                infos.Add(new RecipientInfo(new KeyTransRecipientInfo(
                    new RecipientIdentifier(new IssuerAndSerialNumber(recipient.CertificateStructure.Issuer, recipient.CertificateStructure.SerialNumber)),
                    new AlgorithmIdentifier(Sm2Encrypt),
                    new DerOctetString(Sm2Encryption.Encrypt(sm2, key).GetDerEncoded()))));
            }

            var iv = RandomNumberGenerator.GetBytes(16);
            var cipher = new PaddedBufferedBlockCipher(new CbcBlockCipher(new SM4Engine()), new Pkcs7Padding());
            cipher.Init(true, new ParametersWithIV(new KeyParameter(key), iv));
            var encrypted = cipher.DoFinal(content);
            var encryptedContent = new EncryptedContentInfo(GmSignedData.DataType, new AlgorithmIdentifier(Sm4Cbc, new DerOctetString(iv)), new DerOctetString(encrypted));
            // EnvelopedData version 0: only version-0 KeyTransRecipientInfos, no originatorInfo or unprotected attributes.
            var enveloped = new DerSequence(DerInteger.Zero, new DerSet(infos), encryptedContent);
            return new ContentInfo(GmSignedData.EnvelopedDataType, enveloped).GetDerEncoded();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>SM4-CBC with PKCS#7 padding (the content of a GM/T 0010 envelopedData).</summary>
    internal static byte[] DecryptContent(byte[] key, byte[] iv, byte[] encrypted)
    {
        var cipher = new PaddedBufferedBlockCipher(new CbcBlockCipher(new SM4Engine()), new Pkcs7Padding());
        cipher.Init(false, new ParametersWithIV(new KeyParameter(key), iv));
        return cipher.DoFinal(encrypted);
    }
}
