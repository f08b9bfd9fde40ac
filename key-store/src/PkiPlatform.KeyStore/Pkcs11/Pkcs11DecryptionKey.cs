using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.KeyStore.Pkcs11;

/// <summary>
/// A token-held decryption key: RSAES-OAEP by C_Decrypt (CKM_RSA_PKCS_OAEP), ECDH by C_DeriveKey
/// (CKM_ECDH1_DERIVE, CKD_NULL) into a session-only generic secret whose value is read once and destroyed.
/// </summary>
internal sealed class Pkcs11DecryptionKey(KeyInfo info, Pkcs11KeyStore store, string token) : IDecryptionKey
{
    public KeyInfo Info { get; } = info;

    public byte[] DecryptOaep(ReadOnlySpan<byte> encrypted, HashAlgorithmName hash)
    {
        if (!Info.Algorithm.IsRsa())
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"key '{Info.Label}' is {Info.Algorithm.ToName()}, not RSA: it cannot decrypt a key-transport (RSA-OAEP) recipient");
        }

        var (digest, mgf) = hash.Name switch
        {
            "SHA1" => (CKM.CKM_SHA_1, CKG.CKG_MGF1_SHA1),
            "SHA256" => (CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256),
            "SHA384" => (CKM.CKM_SHA384, CKG.CKG_MGF1_SHA384),
            "SHA512" => (CKM.CKM_SHA512, CKG.CKG_MGF1_SHA512),
            _ => throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"RSA-OAEP with {hash.Name} is not supported"),
        };
        var data = encrypted.ToArray();
        return Run(Info.Label, "decrypt", (session, factories) =>
        {
            var parameters = factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams(
                ConvertUtils.UInt64FromCKM(digest), ConvertUtils.UInt64FromCKG(mgf), ConvertUtils.UInt64FromUInt32(CKZ.CKZ_DATA_SPECIFIED), null);
            using var mechanism = factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_OAEP, parameters);
            var key = Permitted(session, CKA.CKA_DECRYPT, "decrypt");
            try
            {
                return session.Decrypt(mechanism, key, data);
            }
            catch (Pkcs11Exception ex) when (ex.Method == "C_Decrypt")
            {
                // Same contract as the software store: a ciphertext that does not open is a CryptographicException.
                throw new CryptographicException($"the token could not decrypt ({ex.RV})", ex);
            }
        });
    }

    public byte[] AgreeEcdh(ReadOnlySpan<byte> peerSubjectPublicKeyInfo)
    {
        if (Info.Algorithm is not (KeyAlgorithm.EcP256 or KeyAlgorithm.EcP384))
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"key '{Info.Label}' is {Info.Algorithm.ToName()}: ECDH key agreement needs a P-256 or P-384 key");
        }

        // The peer's point as the uncompressed octets (PKCS#11 v2.40 §2.3.8 public data), not DER-wrapped.
        var point = SubjectPublicKeyInfo.GetInstance(peerSubjectPublicKeyInfo.ToArray()).PublicKey.GetOctets();
        var length = Info.Algorithm == KeyAlgorithm.EcP256 ? 32UL : 48UL;
        return Run(Info.Label, "derive", (session, factories) =>
        {
            var parameters = factories.MechanismParamsFactory.CreateCkEcdh1DeriveParams(ConvertUtils.UInt64FromCKD(CKD.CKD_NULL), null, point);
            using var mechanism = factories.MechanismFactory.Create(CKM.CKM_ECDH1_DERIVE, parameters);
            List<IObjectAttribute> template =
            [
                factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
                factories.ObjectAttributeFactory.Create(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET),
                factories.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, false),
                factories.ObjectAttributeFactory.Create(CKA.CKA_SENSITIVE, false),
                factories.ObjectAttributeFactory.Create(CKA.CKA_EXTRACTABLE, true),
                factories.ObjectAttributeFactory.Create(CKA.CKA_VALUE_LEN, length),
            ];
            var secret = session.DeriveKey(mechanism, Permitted(session, CKA.CKA_DERIVE, "derive"), template);
            try
            {
                return session.GetAttributeValue(secret, [CKA.CKA_VALUE])[0].GetValueAsByteArray();
            }
            finally
            {
                session.DestroyObject(secret);
            }
        });
    }

    /// <summary>The private key, if its attributes allow the operation (checked here: tokens differ in when and how they refuse).</summary>
    private IObjectHandle Permitted(ISession session, CKA capability, string operation)
    {
        var key = store.FindPrivateKey(session, Info.Label);
        if (!session.GetAttributeValue(key, [capability])[0].GetValueAsBool())
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm,
                $"key '{Info.Label}' on token '{token}' may not {operation}: it was generated for signing only (create decryption keys with the decryption purpose)");
        }

        return key;
    }

    private T Run<T>(string label, string operation, Func<ISession, Pkcs11InteropFactories, T> action)
    {
        try
        {
            return store.WithSession(action);
        }
        catch (PkiException ex) when (ex.InnerException is Pkcs11Exception { RV: CKR.CKR_KEY_FUNCTION_NOT_PERMITTED or CKR.CKR_KEY_TYPE_INCONSISTENT })
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm,
                $"key '{label}' on token '{token}' may not {operation}: it was generated for signing only (create decryption keys with the decryption purpose)", ex);
        }
        catch (PkiException ex) when (ex.InnerException is Pkcs11Exception { RV: CKR.CKR_ARGUMENTS_BAD or CKR.CKR_MECHANISM_PARAM_INVALID or CKR.CKR_MECHANISM_INVALID } inner
            && inner.Method.EndsWith("Init", StringComparison.Ordinal))
        {
            // SoftHSM2 2.6, for one, implements RSA-OAEP with SHA-1 only.
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm,
                $"token '{token}' does not offer this {operation} mechanism with these parameters ({inner.RV}); SoftHSM2 supports RSA-OAEP with SHA-1 only", ex);
        }
    }
}
