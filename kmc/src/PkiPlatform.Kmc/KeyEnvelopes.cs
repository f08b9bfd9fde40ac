using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore.Cms;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Kmc;

/// <summary>
/// The envelope that carries an encryption private key to its holder (docs/kmc.md shows both byte by byte):
/// <list type="bullet">
/// <item>SM2 keys, GM/T 0009-2012 §7.4 <c>SM2EnvelopedKey ::= SEQUENCE { symAlgID AlgorithmIdentifier (sm4-ecb
/// 1.2.156.10197.1.104.1), symEncryptedKey SM2Cipher, sm2PublicKey BIT STRING (04‖X‖Y), sm2EncryptedPrivateKey BIT STRING }</c>:
/// a fresh 128-bit SM4 key encrypts the 32-byte private scalar (SM4-ECB, two blocks, no padding), and is itself
/// encrypted to the recipient's SM2 key as <c>SM2Cipher ::= SEQUENCE { XCoordinate INTEGER, YCoordinate INTEGER,
/// HASH OCTET STRING (SM3, 32), CipherText OCTET STRING }</c> (GM/T 0009 §7.2, the C1‖C3‖C2 order).</item>
/// <item>RSA and ECDSA keys, RFC 5652 EnvelopedData (AES-256-CBC) whose content is the RFC 5958 PrivateKeyInfo; the
/// recipient (the signing certificate) by RSAES-OAEP-SHA-256 or ephemeral-static ECDH (RFC 5753).</item>
/// </list>
/// </summary>
public static class KeyEnvelopes
{
    public static readonly DerObjectIdentifier Sm4Ecb = new("1.2.156.10197.1.104.1");

    /// <summary>
    /// Why a key of <paramref name="algorithm"/> cannot be enveloped for <paramref name="recipient"/>, or null: SM2 keys
    /// only for SM2 certificates (GM/T 0009), RSA and ECDSA keys only for RSA or non-SM2 EC certificates (CMS).
    /// </summary>
    public static string? CannotSeal(KeyAlgorithm algorithm, X509Certificate recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        var recipientKey = recipient.GetPublicKey();
        var sm2Recipient = recipientKey is ECPublicKeyParameters { PublicKeyParamSet: { } curve } && curve.Equals(GMObjectIdentifiers.sm2p256v1);
        if (algorithm == KeyAlgorithm.Sm2)
        {
            return sm2Recipient ? null : $"an SM2 key is enveloped only for an SM2 certificate (GM/T 0009); '{recipient.SubjectDN}' has another kind of key";
        }

        return !sm2Recipient && recipientKey is RsaKeyParameters or ECPublicKeyParameters ? null
            : $"an RSA or ECDSA key is enveloped only for an RSA or ECDSA certificate (CMS); '{recipient.SubjectDN}' has another kind of key";
    }

    /// <summary>Envelopes <paramref name="key"/> for the holder of <paramref name="recipient"/>.</summary>
    public static EncryptionKeyEnvelope Seal(AsymmetricCipherKeyPair key, X509Certificate recipient)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(recipient);
        var recipientKey = recipient.GetPublicKey();
        if (key.Private is ECPrivateKeyParameters { PublicKeyParamSet: { } curve } && curve.Equals(GMObjectIdentifiers.sm2p256v1))
        {
            if (recipientKey is not ECPublicKeyParameters { PublicKeyParamSet: { } recipientCurve } sm2 || !recipientCurve.Equals(GMObjectIdentifiers.sm2p256v1))
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"an SM2 key is enveloped only for an SM2 key; '{recipient.SubjectDN}' has another kind");
            }

            return new EncryptionKeyEnvelope(EnvelopeFormats.Sm2EnvelopedKey, SealSm2(key, sm2));
        }

        var content = PrivateKeyInfoFactory.CreatePrivateKeyInfo(key.Private).GetDerEncoded();
        try
        {
            var generator = new CmsEnvelopedDataGenerator();
            switch (recipientKey)
            {
                case RsaKeyParameters:
                    generator.AddRecipientInfoGenerator(new KeyTransRecipientInfoGenerator(recipient, new Asn1KeyWrapper("RSA/NONE/OAEPWITHSHA256ANDMGF1PADDING", recipient)));
                    break;
                case ECPublicKeyParameters:
                    generator.AddRecipientInfoGenerator(new EcdhRecipientInfoGenerator(recipient));
                    break;
                default:
                    throw new PkiException(PkiErrorCodes.InvalidArgument, $"cannot envelope for '{recipient.SubjectDN}': its key is neither RSA nor EC");
            }

            var der = generator.Generate(new CmsProcessableByteArray(content), Org.BouncyCastle.Asn1.Nist.NistObjectIdentifiers.IdAes256Cbc).ContentInfo.GetDerEncoded();
            return new EncryptionKeyEnvelope(EnvelopeFormats.CmsEnvelopedData, der);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    private static byte[] SealSm2(AsymmetricCipherKeyPair key, ECPublicKeyParameters recipient)
    {
        var sm4Key = RandomNumberGenerator.GetBytes(16);
        var scalar = ((ECPrivateKeyParameters)key.Private).D.ToByteArrayUnsigned();
        var d = new byte[32];
        scalar.CopyTo(d, 32 - scalar.Length);
        try
        {
            var sm4 = new SM4Engine();
            sm4.Init(true, new KeyParameter(sm4Key));
            var encryptedPrivateKey = new byte[32];
            sm4.ProcessBlock(d, 0, encryptedPrivateKey, 0);
            sm4.ProcessBlock(d, 16, encryptedPrivateKey, 16);
            var publicPoint = ((ECPublicKeyParameters)key.Public).Q.GetEncoded(false);
            return new DerSequence(
                new AlgorithmIdentifier(Sm4Ecb),
                Sm2Cipher(recipient, sm4Key),
                new DerBitString(publicPoint),
                new DerBitString(encryptedPrivateKey)).GetDerEncoded();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sm4Key);
            CryptographicOperations.ZeroMemory(d);
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    /// <summary>SM2 public-key encryption (GM/T 0003.4) of <paramref name="plaintext"/>, as the ASN.1 SM2Cipher of GM/T 0009 (<see cref="Sm2Encryption"/>).</summary>
    public static Asn1Sequence Sm2Cipher(ECPublicKeyParameters recipient, byte[] plaintext) => Sm2Encryption.Encrypt(recipient, plaintext);

    /// <summary>Opens an SM2EnvelopedKey with the recipient's private key: the encryption key's private scalar (for pki enroll and tests).</summary>
    public static ECPrivateKeyParameters OpenSm2(byte[] envelope, ECPrivateKeyParameters recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        var sequence = MalformedInput.Parse(() => Asn1Sequence.GetInstance(Asn1Object.FromByteArray(envelope)), PkiErrorCodes.InvalidArgument, "not an SM2EnvelopedKey (GM/T 0009 §7.4)");
        if (sequence.Count != 4 || !AlgorithmIdentifier.GetInstance(sequence[0]).Algorithm.Equals(Sm4Ecb))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "not an SM2EnvelopedKey with SM4-ECB (GM/T 0009 §7.4)");
        }

        var sm4Key = Sm2Encryption.Decrypt(recipient, sequence[1].GetDerEncoded());
        var encrypted = DerBitString.GetInstance(sequence[3]).GetOctets();
        var sm4 = new SM4Engine();
        sm4.Init(false, new KeyParameter(sm4Key));
        var d = new byte[32];
        sm4.ProcessBlock(encrypted, 0, d, 0);
        sm4.ProcessBlock(encrypted, 16, d, 16);
        return new ECPrivateKeyParameters("EC", new BigInteger(1, d), GMObjectIdentifiers.sm2p256v1);
    }
}
