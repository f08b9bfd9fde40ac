using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace PkiPlatform.CaCore.Cms;

/// <summary>
/// A KeyAgreeRecipientInfo for one EC recipient (RFC 5753 ephemeral-static ECDH): a fresh key on the
/// recipient's curve, dhSinglePass-stdDH-sha256kdf-scheme, AES-256 key wrap, recipient named by issuer and serial.
/// </summary>
public sealed class EcdhRecipientInfoGenerator(X509Certificate recipient) : RecipientInfoGenerator
{
    private static readonly DerObjectIdentifier Scheme = new("1.3.132.1.11.1");

    public RecipientInfo Generate(KeyParameter contentEncryptionKey, SecureRandom random)
    {
        var spki = recipient.CertificateStructure.SubjectPublicKeyInfo;
        using var peer = ECDiffieHellman.Create();
        peer.ImportSubjectPublicKeyInfo(spki.GetDerEncoded(), out _);
        using var ephemeral = ECDiffieHellman.Create(peer.ExportParameters(false).Curve);
        var z = ephemeral.DeriveRawSecretAgreement(peer.PublicKey);
        var kek = EccCmsKek.Derive(HashAlgorithmName.SHA256, z, NistObjectIdentifiers.IdAes256Wrap, null, 32);
        try
        {
            var wrap = new AesWrapEngine();
            wrap.Init(true, new KeyParameter(kek));
            var cek = contentEncryptionKey.GetKey();
            var encryptedKey = wrap.Wrap(cek, 0, cek.Length);
            var point = SubjectPublicKeyInfo.GetInstance(ephemeral.ExportSubjectPublicKeyInfo()).PublicKey;
            // RFC 5753 §7.1.1: the originator's algorithm parameters are absent (the curve is the recipient's).
            var originator = new OriginatorIdentifierOrKey(new OriginatorPublicKey(
                new AlgorithmIdentifier(Org.BouncyCastle.Asn1.X9.X9ObjectIdentifiers.IdECPublicKey), point));
            var identifier = new KeyAgreeRecipientIdentifier(new Org.BouncyCastle.Asn1.Cms.IssuerAndSerialNumber(recipient.IssuerDN, recipient.SerialNumber));
            return new RecipientInfo(new KeyAgreeRecipientInfo(originator, null,
                new AlgorithmIdentifier(Scheme, new AlgorithmIdentifier(NistObjectIdentifiers.IdAes256Wrap)),
                new DerSequence(new RecipientEncryptedKey(identifier, new DerOctetString(encryptedKey)))));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(z);
            CryptographicOperations.ZeroMemory(kek);
        }
    }
}
