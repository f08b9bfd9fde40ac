using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace PkiPlatform.KeyStore.Pkcs11;

/// <summary>
/// What a USB key holds besides the keys it generated (issue 13, <c>pki enroll</c>): the certificates, and the
/// encryption private key the key management centre generated and delivered in an envelope.
/// </summary>
public sealed partial class Pkcs11KeyStore
{
    /// <summary>CKA_ID of the objects under <paramref name="label"/>: a key pair and its certificate share it (PKCS#11 v2.40 §4.4).</summary>
    private static byte[] ObjectId(string label) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(label))[..16];

    /// <summary>Stores an X.509 certificate on the token under <paramref name="label"/>, beside the key of that label.</summary>
    public void StoreCertificate(string label, byte[] der)
    {
        KeyLabel.Validate(label);
        var certificate = X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(der));
        WithSession((session, factories) =>
        {
            if (FindObjects(session, label, CKO.CKO_CERTIFICATE).Count > 0)
            {
                throw new PkiException(PkiErrorCodes.KeyExists, $"a certificate labelled '{label}' already exists on token '{_options.TokenLabel}'");
            }

            session.CreateObject(
            [
                factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE),
                factories.ObjectAttributeFactory.Create(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509),
                factories.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, true),
                factories.ObjectAttributeFactory.Create(CKA.CKA_PRIVATE, false),
                factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label),
                factories.ObjectAttributeFactory.Create(CKA.CKA_ID, ObjectId(label)),
                factories.ObjectAttributeFactory.Create(CKA.CKA_SUBJECT, certificate.Subject.GetDerEncoded()),
                factories.ObjectAttributeFactory.Create(CKA.CKA_ISSUER, certificate.Issuer.GetDerEncoded()),
                factories.ObjectAttributeFactory.Create(CKA.CKA_SERIAL_NUMBER, certificate.SerialNumber.GetDerEncoded()),
                factories.ObjectAttributeFactory.Create(CKA.CKA_VALUE, der),
            ]);
            return 0;
        });
    }

    /// <summary>
    /// Puts a private key (RFC 5958 PrivateKeyInfo, RSA or EC P-256/P-384) onto the token by C_UnwrapKey: it is wrapped
    /// here (RFC 5649 AES key wrap with padding) under a one-off AES key created in the session, and the token unwraps it
    /// as a sensitive, non-extractable token object, with its public key beside it. The caller holds the clear key
    /// only between opening the envelope and this call, and should zero it afterwards.
    /// </summary>
    /// <param name="purpose">What the key may do on the token: <see cref="KeyPurpose.Decryption"/> (decrypt or derive only) or <see cref="KeyPurpose.Signing"/>.</param>
    public KeyInfo ImportPrivateKey(string label, byte[] privateKeyInfo, KeyPurpose purpose)
    {
        KeyLabel.Validate(label);
        var info = PrivateKeyInfo.GetInstance(Asn1Object.FromByteArray(privateKeyInfo));
        var algorithmId = info.PrivateKeyAlgorithm.Algorithm;
        var (keyType, algorithm, spki) = Describe(info);
        var wrapKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            var engine = new AesWrapPadEngine();
            engine.Init(true, new KeyParameter(wrapKey));
            var wrapped = engine.Wrap(privateKeyInfo, 0, privateKeyInfo.Length);
            return WithSession((session, factories) =>
            {
                if (FindObjects(session, label, CKO.CKO_PRIVATE_KEY).Count > 0 || FindObjects(session, label, CKO.CKO_PUBLIC_KEY).Count > 0)
                {
                    throw new PkiException(PkiErrorCodes.KeyExists, $"a key labelled '{label}' already exists on token '{_options.TokenLabel}'");
                }

                var unwrapping = session.CreateObject(
                [
                    factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
                    factories.ObjectAttributeFactory.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
                    factories.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, false),
                    factories.ObjectAttributeFactory.Create(CKA.CKA_UNWRAP, true),
                    factories.ObjectAttributeFactory.Create(CKA.CKA_VALUE, wrapKey),
                ]);
                try
                {
                    var decrypts = purpose is KeyPurpose.Decryption or KeyPurpose.EnvelopeSigning;
                    var isRsa = algorithm.IsRsa();
                    List<IObjectAttribute> template =
                    [
                        factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
                        factories.ObjectAttributeFactory.Create(CKA.CKA_KEY_TYPE, keyType),
                        factories.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, true),
                        factories.ObjectAttributeFactory.Create(CKA.CKA_PRIVATE, true),
                        factories.ObjectAttributeFactory.Create(CKA.CKA_SENSITIVE, true),
                        factories.ObjectAttributeFactory.Create(CKA.CKA_EXTRACTABLE, false),
                        factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label),
                        factories.ObjectAttributeFactory.Create(CKA.CKA_ID, ObjectId(label)),
                        factories.ObjectAttributeFactory.Create(CKA.CKA_SIGN, purpose != KeyPurpose.Decryption),
                        factories.ObjectAttributeFactory.Create(CKA.CKA_DECRYPT, decrypts && isRsa),
                        factories.ObjectAttributeFactory.Create(CKA.CKA_DERIVE, decrypts && !isRsa),
                        factories.ObjectAttributeFactory.Create(CKA.CKA_UNWRAP, false),
                    ];
                    using var mechanism = factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD);
                    var privateKey = session.UnwrapKey(mechanism, unwrapping, wrapped, template);
                    try
                    {
                        session.CreateObject(PublicKeyTemplate(factories, label, keyType, spki, decrypts && isRsa));
                    }
                    catch
                    {
                        session.DestroyObject(privateKey);
                        throw;
                    }

                    return new KeyInfo(label, algorithm, spki.GetDerEncoded(), Backend);
                }
                catch (Pkcs11Exception ex) when (ex.Method == "C_UnwrapKey")
                {
                    throw new PkiException(PkiErrorCodes.HsmFailure,
                        $"token '{_options.TokenLabel}' could not unwrap the {algorithm.ToName()} key ({algorithmId.Id}) with CKM_AES_KEY_WRAP_PAD: {ex.RV}", ex);
                }
                finally
                {
                    session.DestroyObject(unwrapping);
                }
            });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrapKey);
        }
    }

    private static (CKK KeyType, KeyAlgorithm Algorithm, SubjectPublicKeyInfo PublicKey) Describe(PrivateKeyInfo info)
    {
        var key = Org.BouncyCastle.Security.PrivateKeyFactory.CreateKey(info);
        if (key is not (RsaPrivateCrtKeyParameters or ECPrivateKeyParameters))
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"a {info.PrivateKeyAlgorithm.Algorithm.Id} key cannot be imported onto a PKCS#11 token (RSA or EC P-256/P-384)");
        }

        var publicKey = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(PrivateKeys.PublicKeyOf(key));
        if (key is RsaPrivateCrtKeyParameters rsaKey)
        {
            return (CKK.CKK_RSA, rsaKey.Modulus.BitLength switch { <= 2048 => KeyAlgorithm.Rsa2048, <= 3072 => KeyAlgorithm.Rsa3072, _ => KeyAlgorithm.Rsa4096 }, publicKey);
        }

        var curve = publicKey.Algorithm.Parameters?.ToAsn1Object() as DerObjectIdentifier;
        var algorithm = curve?.Id switch
        {
            "1.2.840.10045.3.1.7" => KeyAlgorithm.EcP256,
            "1.3.132.0.34" => KeyAlgorithm.EcP384,
            _ => throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"an EC key on curve {curve?.Id ?? "(explicit parameters)"} cannot be imported onto a PKCS#11 token (P-256 or P-384; SM2 keys stay in files)"),
        };
        return (CKK.CKK_EC, algorithm, publicKey);
    }

    private static List<IObjectAttribute> PublicKeyTemplate(Pkcs11InteropFactories factories, string label, CKK keyType, SubjectPublicKeyInfo spki, bool encrypts)
    {
        List<IObjectAttribute> template =
        [
            factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
            factories.ObjectAttributeFactory.Create(CKA.CKA_KEY_TYPE, keyType),
            factories.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, true),
            factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label),
            factories.ObjectAttributeFactory.Create(CKA.CKA_ID, ObjectId(label)),
            factories.ObjectAttributeFactory.Create(CKA.CKA_WRAP, false),
        ];
        if (keyType == CKK.CKK_RSA)
        {
            var rsa = RsaPublicKeyStructure.GetInstance(spki.ParsePublicKey());
            template.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_MODULUS, rsa.Modulus.ToByteArrayUnsigned()));
            template.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_PUBLIC_EXPONENT, rsa.PublicExponent.ToByteArrayUnsigned()));
            template.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_ENCRYPT, encrypts));
        }
        else
        {
            template.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_EC_PARAMS, spki.Algorithm.Parameters.ToAsn1Object().GetDerEncoded()));
            // PKCS#11 v2.40 §2.3.3: CKA_EC_POINT is the DER OCTET STRING of the uncompressed point.
            template.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_EC_POINT, new DerOctetString(spki.PublicKey.GetOctets()).GetDerEncoded()));
        }

        return template;
    }
}
