using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Cms;
using IssuerAndSerialNumber = Org.BouncyCastle.Asn1.Cms.IssuerAndSerialNumber;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// Opens CMS EnvelopedData with the calling system's decryption keys. The private key stays in the key
/// store: it answers RSA-OAEP or ECDH; this class derives the key-encryption key (X9.63 KDF, RFC 5753),
/// unwraps the content-encryption key (AES key wrap, RFC 3394) and decrypts AES-CBC content. GM/T 0010 envelopedData
/// (SM2-encrypted SM4 key, SM4-CBC content) opens the same way with an SM2 decryption key.
/// RSAES-PKCS1-v1_5 key transport is refused: a decryption service would be a Bleichenbacher oracle.
/// </summary>
public sealed class CmsEnvelopeOpener(CertificateAuthority ca, ServiceKeys keys)
{
    private static readonly Dictionary<string, (HashAlgorithmName Hash, int Bytes)> KdfSchemes = new(StringComparer.Ordinal)
    {
        // OpenSSL's default for EC recipients; SHA-1 only stretches a secret here, no collision resistance is needed.
        ["1.3.133.16.840.63.0.2"] = (HashAlgorithmName.SHA1, 20),
        ["1.3.132.1.11.1"] = (HashAlgorithmName.SHA256, 32),
        ["1.3.132.1.11.2"] = (HashAlgorithmName.SHA384, 48),
        ["1.3.132.1.11.3"] = (HashAlgorithmName.SHA512, 64),
    };

    private static readonly Dictionary<string, int> KeyWraps = new(StringComparer.Ordinal)
    {
        ["2.16.840.1.101.3.4.1.5"] = 16,
        ["2.16.840.1.101.3.4.1.25"] = 24,
        ["2.16.840.1.101.3.4.1.45"] = 32,
    };

    private static readonly Dictionary<string, int> ContentCiphers = new(StringComparer.Ordinal)
    {
        ["2.16.840.1.101.3.4.1.2"] = 16,
        ["2.16.840.1.101.3.4.1.22"] = 24,
        ["2.16.840.1.101.3.4.1.42"] = 32,
    };

    /// <param name="caller">The system's identity (client-certificate subject DN).</param>
    /// <param name="keyLabel">One of the caller's decryption keys, or null to try all of them.</param>
    /// <param name="enveloped">A DER/BER ContentInfo holding EnvelopedData.</param>
    public async Task<byte[]> DecryptAsync(string caller, string? keyLabel, byte[] enveloped, CancellationToken cancellationToken = default)
    {
        var info = CmsInput.ParseContentInfo(enveloped);
        if (!info.ContentType.Equals(GmSignedData.EnvelopedDataType))
        {
            // GM/T 0010 envelopedData has RFC 5652's structure under its own OIDs: both are opened below.
            CmsInput.ExpectContentType(info, CmsObjectIdentifiers.EnvelopedData, "EnvelopedData");
        }

        EnvelopedData data;
        try
        {
            data = EnvelopedData.GetInstance(info.Content) ?? throw new ArgumentException("the ContentInfo carries no EnvelopedData");
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            throw new PkiException(TokenErrorCodes.CmsMalformed, $"the EnvelopedData is malformed: {ex.Message}", ex);
        }

        List<ServiceKeyEntity> candidates = keyLabel is null
            ? (await keys.ListAsync(caller, cancellationToken)).Where(k => k.Usage == "decrypt").ToList()
            : [await keys.ResolveAsync(keyLabel, caller, ServiceKeyUsage.Decrypt, cancellationToken)];
        foreach (var key in candidates)
        {
            var certificate = new X509CertificateParser().ReadCertificate(key.CertificateDer);
            var content = Open(data, certificate, () => ca.Keys.GetDecrypter(key.KeyLabel));
            if (content is null)
            {
                continue;
            }

            await using var db = ca.Database.CreateContext();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await ca.Audit.AppendAsync(db, [new AuditRecord(caller, AuditActions.CmsDecrypted, key.KeyLabel, $"bytes={content.Length}")], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return content;
        }

        throw new PkiException(TokenErrorCodes.CmsNotRecipient, candidates.Count == 0
            ? "you hold no decryption keys in this service"
            : $"none of the {data.RecipientInfos.Count} recipients of this EnvelopedData is a key held for you");
    }

    /// <summary>
    /// The content of <paramref name="data"/> if one of its recipients is <paramref name="certificate"/> (whose private key
    /// <paramref name="key"/> is, in whatever store holds it), else null. The same rules as the service (RSAES-OAEP or
    /// ephemeral-static ECDH, AES key wrap, AES-CBC content); used by <c>pki enroll</c> to open a KMC envelope with a token key.
    /// </summary>
    public static byte[]? Open(EnvelopedData data, X509Certificate certificate, IDecryptionKey key) => Open(data, certificate, () => key);

    private static byte[]? Open(EnvelopedData data, X509Certificate certificate, Func<IDecryptionKey> key)
    {
        foreach (var recipient in data.RecipientInfos)
        {
            // BouncyCastle decodes recipient infos lazily: a malformed one surfaces here, still the caller's input.
            var cek = MalformedInput.Parse(() => RecipientInfo.GetInstance(recipient).Info switch
            {
                KeyTransRecipientInfo transport when Matches(transport.RecipientIdentifier, certificate) => Unwrap(transport, key()),
                KeyAgreeRecipientInfo agreement => Unwrap(agreement, certificate, key),
                _ => null,
            }, TokenErrorCodes.CmsMalformed, "a RecipientInfo of the EnvelopedData is malformed");
            if (cek is null)
            {
                continue;
            }

            try
            {
                return MalformedInput.Parse(() => DecryptContent(data.EncryptedContentInfo, cek), TokenErrorCodes.CmsMalformed, "the encrypted content of the EnvelopedData is malformed");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(cek);
            }
        }

        return null;
    }

    private static byte[] Unwrap(KeyTransRecipientInfo transport, IDecryptionKey key)
    {
        var algorithm = transport.KeyEncryptionAlgorithm;
        if (algorithm.Algorithm.Equals(GmEnvelopedData.Sm2Encrypt))
        {
            if (key.Info.Algorithm != KeyAlgorithm.Sm2)
            {
                throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm, $"the recipient's key-encryption algorithm is SM2, but key '{key.Info.Label}' is {key.Info.Algorithm.ToName()}");
            }

            try
            {
                return key.DecryptSm2(transport.EncryptedKey.GetOctets());
            }
            catch (PkiException ex) when (ex.Code == PkiErrorCodes.InvalidArgument)
            {
                throw new PkiException(TokenErrorCodes.CmsMalformed, "the SM2-encrypted key does not decrypt with your key (wrong recipient data or corrupted message)", ex);
            }
        }

        if (algorithm.Algorithm.Equals(PkcsObjectIdentifiers.RsaEncryption))
        {
            throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm,
                "RSAES-PKCS1-v1_5 key transport is refused (a decryption service must not be a padding oracle); encrypt with RSAES-OAEP (openssl cms -encrypt -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256)");
        }

        if (!algorithm.Algorithm.Equals(PkcsObjectIdentifiers.IdRsaesOaep))
        {
            throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm, $"key-encryption algorithm {algorithm.Algorithm.Id} is not supported (RSAES-OAEP, ECDH, or SM2 in GM/T 0010)");
        }

        var parameters = RsaesOaepParameters.GetInstance(algorithm.Parameters ?? DerSequence.Empty);
        var hash = parameters.HashAlgorithm.Algorithm.Id switch
        {
            "1.3.14.3.2.26" => HashAlgorithmName.SHA1,
            "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
            "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
            "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
            var other => throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm, $"RSAES-OAEP hash {other} is not supported"),
        };
        try
        {
            return key.DecryptOaep(transport.EncryptedKey.GetOctets(), hash);
        }
        catch (CryptographicException ex)
        {
            throw new PkiException(TokenErrorCodes.CmsMalformed, "the encrypted key does not decrypt with your key (wrong recipient data or corrupted message)", ex);
        }
    }

    private static byte[]? Unwrap(KeyAgreeRecipientInfo agreement, X509Certificate certificate, Func<IDecryptionKey> key)
    {
        var encrypted = agreement.RecipientEncryptedKeys.Cast<Asn1Encodable>().Select(RecipientEncryptedKey.GetInstance)
            .FirstOrDefault(r => Matches(r.Identifier, certificate));
        if (encrypted is null)
        {
            return null;
        }

        var scheme = agreement.KeyEncryptionAlgorithm.Algorithm.Id;
        if (!KdfSchemes.TryGetValue(scheme, out var kdf))
        {
            throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm, $"key-agreement scheme {scheme} is not supported (dhSinglePass-stdDH-sha256/384/512kdf-scheme)");
        }

        var wrap = AlgorithmIdentifier.GetInstance(agreement.KeyEncryptionAlgorithm.Parameters);
        if (!KeyWraps.TryGetValue(wrap.Algorithm.Id, out var kekLength))
        {
            throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm, $"key wrap {wrap.Algorithm.Id} is not supported (AES key wrap)");
        }

        var originator = agreement.Originator.OriginatorKey
            ?? throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm, "only ephemeral-static ECDH (originatorKey) is supported");
        var curve = SubjectPublicKeyInfo.GetInstance(certificate.CertificateStructure.SubjectPublicKeyInfo).Algorithm.Parameters;
        var peer = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiersEc, curve), originator.PublicKey.GetBytes());
        var z = key().AgreeEcdh(peer.GetDerEncoded());
        try
        {
            var kek = EccCmsKek.Derive(kdf.Hash, z, wrap.Algorithm, agreement.UserKeyingMaterial, kekLength);
            var unwrap = new AesWrapEngine();
            unwrap.Init(false, new KeyParameter(kek));
            var wrapped = encrypted.EncryptedKey.GetOctets();
            try
            {
                return unwrap.Unwrap(wrapped, 0, wrapped.Length);
            }
            catch (Org.BouncyCastle.Crypto.InvalidCipherTextException ex)
            {
                throw new PkiException(TokenErrorCodes.CmsMalformed, "the wrapped key does not unwrap with your key (wrong recipient data or corrupted message)", ex);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(kek);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(z);
        }
    }

    private static readonly DerObjectIdentifier X9ObjectIdentifiersEc = Org.BouncyCastle.Asn1.X9.X9ObjectIdentifiers.IdECPublicKey;

    private static byte[] DecryptContent(EncryptedContentInfo content, byte[] cek)
    {
        var algorithm = content.ContentEncryptionAlgorithm;
        var sm4 = algorithm.Algorithm.Equals(GmEnvelopedData.Sm4Cbc);
        if (!ContentCiphers.TryGetValue(algorithm.Algorithm.Id, out var keyLength) && !sm4)
        {
            throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm, $"content-encryption algorithm {algorithm.Algorithm.Id} is not supported (AES-128/192/256-CBC, or SM4-CBC in GM/T 0010)");
        }

        keyLength = sm4 ? 16 : keyLength;

        if (cek.Length != keyLength)
        {
            throw new PkiException(TokenErrorCodes.CmsMalformed, "the content-encryption key has the wrong length for the cipher");
        }

        var encrypted = content.EncryptedContent?.GetOctets()
            ?? throw new PkiException(TokenErrorCodes.CmsContentMissing, "the EnvelopedData carries no encrypted content (detached envelopes are not supported)");
        var iv = (algorithm.Parameters is null ? null : Asn1OctetString.GetInstance(algorithm.Parameters))?.GetOctets()
            ?? throw new PkiException(TokenErrorCodes.CmsMalformed, $"the content-encryption algorithm {algorithm.Algorithm.Id} carries no IV");
        try
        {
            if (sm4)
            {
                return GmEnvelopedData.DecryptContent(cek, iv, encrypted);
            }

            using var aes = Aes.Create();
            aes.Key = cek;
            return aes.DecryptCbc(encrypted, iv, PaddingMode.PKCS7);
        }
        catch (Exception ex) when (ex is CryptographicException or Org.BouncyCastle.Crypto.CryptoException)
        {
            throw new PkiException(TokenErrorCodes.CmsMalformed, "the content does not decrypt (corrupted message)", ex);
        }
    }

    private static bool Matches(RecipientIdentifier identifier, X509Certificate certificate) =>
        identifier.ID is Asn1TaggedObject tagged
            ? SubjectKeyIdentifierMatches(Asn1OctetString.GetInstance(tagged, false).GetOctets(), certificate)
            : IssuerSerialMatches(IssuerAndSerialNumber.GetInstance(identifier.ID), certificate);

    private static bool Matches(KeyAgreeRecipientIdentifier identifier, X509Certificate certificate) =>
        identifier.IssuerAndSerialNumber is { } issuerSerial
            ? IssuerSerialMatches(issuerSerial, certificate)
            : SubjectKeyIdentifierMatches(identifier.RKeyID.SubjectKeyIdentifier.GetOctets(), certificate);

    private static bool IssuerSerialMatches(IssuerAndSerialNumber issuerSerial, X509Certificate certificate) =>
        issuerSerial.Issuer.Equivalent(certificate.IssuerDN) && issuerSerial.SerialNumber.Value.Equals(certificate.SerialNumber);

    private static bool SubjectKeyIdentifierMatches(byte[] keyId, X509Certificate certificate)
    {
        var extension = certificate.GetExtensionValue(X509Extensions.SubjectKeyIdentifier);
        return extension is not null && Asn1OctetString.GetInstance(Asn1Object.FromByteArray(extension.GetOctets())).GetOctets().AsSpan().SequenceEqual(keyId);
    }
}
