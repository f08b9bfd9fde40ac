using Org.BouncyCastle.Cms;
using PkiPlatform.CaCore.Cms;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.X509;
using PkiPlatform.KeyStore;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// CMS EnvelopedData (RFC 5652 §6) for one or more recipient certificates: AES-256-CBC content encryption;
/// RSA recipients get RSAES-OAEP with SHA-256 (RFC 8017, RFC 4055), EC recipients ECDH with an ephemeral key,
/// the X9.63 SHA-256 KDF and AES-256 key wrap (<see cref="EcdhRecipientInfoGenerator"/>). SM2 recipients get the
/// GM/T 0010 form instead (<see cref="GmEnvelopedData"/>).
/// </summary>
public static class CmsEnvelopeWriter
{
    public const int MaxRecipients = 100;

    /// <param name="format">"rfc5652" (default) or <see cref="GmEnvelopedData.Format"/> (GM/T 0010 envelopedData, SM2 recipients).</param>
    public static byte[] Encrypt(byte[] content, IReadOnlyList<X509Certificate> recipients, string? format = null)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        if (recipients.Count == 0 || recipients.Count > MaxRecipients)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"name 1..{MaxRecipients} recipient certificates");
        }

        switch (format)
        {
            case GmEnvelopedData.Format:
                return GmEnvelopedData.Create(content, recipients);
            case null or "rfc5652":
                break;
            default:
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"format '{format}' is not offered; use rfc5652 (RFC 5652 CMS, the default) or {GmEnvelopedData.Format} (GM/T 0010, SM2 recipients)");
        }

        var generator = new CmsEnvelopedDataGenerator();
        foreach (var recipient in recipients)
        {
            var (usage, key) = MalformedInput.Parse(() => (recipient.GetKeyUsage(), recipient.GetPublicKey()), PkiErrorCodes.InvalidArgument,
                $"the key usage or public key of recipient '{recipient.SubjectDN}' cannot be read");
            switch (key)
            {
                case RsaKeyParameters rsa:
                    // RFC 5280 §4.2.1.3: bit 2 keyEncipherment for key transport.
                    if (usage is not null && !usage[2])
                    {
                        throw new PkiException(PkiErrorCodes.InvalidArgument, $"recipient '{recipient.SubjectDN}' is not an encryption certificate (its key usage lacks keyEncipherment)");
                    }

                    if (rsa.Modulus.BitLength < 2048)
                    {
                        throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm, $"recipient '{recipient.SubjectDN}' has a {rsa.Modulus.BitLength}-bit RSA key; at least 2048 bits are required");
                    }

                    generator.AddRecipientInfoGenerator(new KeyTransRecipientInfoGenerator(recipient, new Asn1KeyWrapper("RSA/NONE/OAEPWITHSHA256ANDMGF1PADDING", recipient)));
                    break;
                case ECPublicKeyParameters ec when ec.PublicKeyParamSet?.Id is "1.2.840.10045.3.1.7" or "1.3.132.0.34" or "1.3.132.0.35":
                    // Bit 4 keyAgreement.
                    if (usage is not null && !usage[4])
                    {
                        throw new PkiException(PkiErrorCodes.InvalidArgument, $"recipient '{recipient.SubjectDN}' is not an encryption certificate (its key usage lacks keyAgreement)");
                    }

                    generator.AddRecipientInfoGenerator(new EcdhRecipientInfoGenerator(recipient));
                    break;
                default:
                    throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm,
                        key is ECPublicKeyParameters { PublicKeyParamSet.Id: "1.2.156.10197.1.301" }
                            ? $"recipient '{recipient.SubjectDN}' has an SM2 key: RFC 5652 defines no SM2 recipient; use format {GmEnvelopedData.Format} (GM/T 0010 envelopedData)"
                            : $"recipient '{recipient.SubjectDN}' has a key this service cannot encrypt for (RSA of 2048+ bits, EC P-256/P-384/P-521, or SM2 with format {GmEnvelopedData.Format})");
            }
        }

        return generator.Generate(new CmsProcessableByteArray(content), Org.BouncyCastle.Asn1.Nist.NistObjectIdentifiers.IdAes256Cbc).ContentInfo.GetDerEncoded();
    }
}
