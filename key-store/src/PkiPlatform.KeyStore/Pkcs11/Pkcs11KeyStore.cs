using System.Collections.Concurrent;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X9;

namespace PkiPlatform.KeyStore.Pkcs11;

/// <summary>
/// HSM key custody through PKCS#11 (tested with SoftHSM2). Keys are generated on the token as
/// sensitive and non-extractable; signatures are made by C_Sign. Sessions are pooled; the user login
/// is per application and token, so it is done once.
/// </summary>
public sealed partial class Pkcs11KeyStore : IKeyStore
{
    private readonly Pkcs11KeyStoreOptions _options;
    private readonly Pkcs11InteropFactories _factories = new();
    private readonly IPkcs11Library _library;
    private readonly ISlot _slot;
    private readonly ConcurrentBag<ISession> _sessions = [];
    private readonly ConcurrentDictionary<string, Pkcs11SigningKey> _signers = new(StringComparer.Ordinal);

    public Pkcs11KeyStore(Pkcs11KeyStoreOptions options)
    {
        _options = options;
        if (!File.Exists(options.ModulePath))
        {
            throw new PkiException(PkiErrorCodes.ModuleNotFound, $"PKCS#11 module not found: {options.ModulePath}");
        }

        NativeLibraryMapping.Install();
        try
        {
            _library = _factories.Pkcs11LibraryFactory.LoadPkcs11Library(_factories, options.ModulePath, AppType.MultiThreaded);
        }
        catch (Exception ex) when (ex is Pkcs11Exception or UnmanagedException or DllNotFoundException)
        {
            throw new PkiException(PkiErrorCodes.ModuleNotFound, $"cannot load PKCS#11 module {options.ModulePath}: {ex.Message}", ex);
        }

        var slots = _library.GetSlotList(SlotsType.WithTokenPresent);
        _slot = slots.FirstOrDefault(s => s.GetTokenInfo().Label.Trim() == options.TokenLabel)
            ?? throw new PkiException(PkiErrorCodes.TokenNotFound,
                $"no token labelled '{options.TokenLabel}' in {options.ModulePath}; tokens present: " +
                (slots.Count == 0 ? "none" : string.Join(", ", slots.Select(s => $"'{s.GetTokenInfo().Label.Trim()}'"))));

        // Log in at once so a wrong PIN is reported at start, not at the first signature.
        var session = OpenSession();
        try
        {
            session.Login(CKU.CKU_USER, options.Pin);
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Another store instance in this process already logged the application in.
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE)
        {
            session.Dispose();
            _library.Dispose();
            throw new PkiException(PkiErrorCodes.WrongPin, $"wrong PIN for token '{options.TokenLabel}'", ex);
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_PIN_LOCKED)
        {
            session.Dispose();
            _library.Dispose();
            throw new PkiException(PkiErrorCodes.WrongPin, $"the user PIN of token '{options.TokenLabel}' is locked; the security officer must reset it", ex);
        }

        _sessions.Add(session);
    }

    public string Backend => "pkcs11";

    public KeyInfo Generate(string label, KeyAlgorithm algorithm, KeyPurpose purpose = KeyPurpose.Signing)
    {
        KeyLabel.Validate(label);
        if (algorithm == KeyAlgorithm.Sm2)
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm,
                $"token '{_options.TokenLabel}' ({_options.ModulePath}) has no SM2 mechanism; use the software key store or an HSM with GM/T 0018 support for SM2 keys");
        }

        return WithSession((session, factories) =>
        {
            if (FindObjects(session, label, CKO.CKO_PRIVATE_KEY).Count > 0)
            {
                throw new PkiException(PkiErrorCodes.KeyExists, $"a key labelled '{label}' already exists on token '{_options.TokenLabel}'");
            }

            var id = ObjectId(label);
            var common = new List<IObjectAttribute>
            {
                factories.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, true),
                factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label),
                factories.ObjectAttributeFactory.Create(CKA.CKA_ID, id),
            };
            var publicTemplate = new List<IObjectAttribute>(common)
            {
                factories.ObjectAttributeFactory.Create(CKA.CKA_VERIFY, true),
            };
            var privateTemplate = new List<IObjectAttribute>(common)
            {
                factories.ObjectAttributeFactory.Create(CKA.CKA_PRIVATE, true),
                factories.ObjectAttributeFactory.Create(CKA.CKA_SENSITIVE, true),
                factories.ObjectAttributeFactory.Create(CKA.CKA_EXTRACTABLE, false),
                factories.ObjectAttributeFactory.Create(CKA.CKA_SIGN, true),
            };

            // RFC 5280 §4.2.1.3 separation, stated explicitly: tokens' defaults differ (SoftHSM2 lets an RSA key
            // decrypt unless told otherwise). Only decryption keys may decrypt (RSA) or derive (ECDH); none unwraps.
            var decrypts = purpose is KeyPurpose.Decryption or KeyPurpose.EnvelopeSigning;
            privateTemplate.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_DECRYPT, decrypts && algorithm.IsRsa()));
            privateTemplate.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_DERIVE, decrypts && !algorithm.IsRsa()));
            privateTemplate.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_UNWRAP, false));
            publicTemplate.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_WRAP, false));
            if (algorithm.IsRsa())
            {
                publicTemplate.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_ENCRYPT, decrypts));
            }

            CKM mechanismType;
            if (algorithm.IsRsa())
            {
                mechanismType = CKM.CKM_RSA_PKCS_KEY_PAIR_GEN;
                publicTemplate.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_MODULUS_BITS, (ulong)algorithm.RsaBits()));
                publicTemplate.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 1, 0, 1 }));
            }
            else
            {
                mechanismType = CKM.CKM_EC_KEY_PAIR_GEN;
                var curve = algorithm == KeyAlgorithm.EcP256 ? SecObjectIdentifiers.SecP256r1 : SecObjectIdentifiers.SecP384r1;
                publicTemplate.Add(factories.ObjectAttributeFactory.Create(CKA.CKA_EC_PARAMS, curve.GetDerEncoded()));
            }

            using var mechanism = factories.MechanismFactory.Create(mechanismType);
            session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out var publicKey, out _);
            return new KeyInfo(label, algorithm, ReadPublicKey(session, publicKey, algorithm), Backend);
        });
    }

    public KeyInfo Get(string label) => WithSession((session, _) =>
    {
        var handle = FindObjects(session, label, CKO.CKO_PUBLIC_KEY).FirstOrDefault()
            ?? throw new PkiException(PkiErrorCodes.KeyNotFound, $"no key labelled '{label}' on token '{_options.TokenLabel}'");
        return Describe(session, label, handle);
    });

    public IReadOnlyList<KeyInfo> List() => WithSession((session, factories) =>
    {
        var handles = session.FindAllObjects([factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY)]);
        return handles
            .Select(handle => (handle, label: session.GetAttributeValue(handle, [CKA.CKA_LABEL])[0].GetValueAsString()))
            .Where(x => !string.IsNullOrEmpty(x.label))
            .Select(x => Describe(session, x.label, x.handle))
            .OrderBy(info => info.Label, StringComparer.Ordinal)
            .ToList();
    });

    public ISigningKey GetSigner(string label)
    {
        if (_signers.TryGetValue(label, out var signer))
        {
            return signer;
        }

        var info = Get(label);
        WithSession((session, _) => FindPrivateKey(session, label));
        return _signers.GetOrAdd(label, new Pkcs11SigningKey(info, this));
    }

    /// <summary>
    /// RSA-OAEP by C_Decrypt and ECDH by C_DeriveKey on the token. Only keys generated with
    /// <see cref="KeyPurpose.Decryption"/> carry CKA_DECRYPT/CKA_DERIVE; the token refuses the others.
    /// </summary>
    public IDecryptionKey GetDecrypter(string label) => new Pkcs11DecryptionKey(Get(label), this, _options.TokenLabel);

    public void Destroy(string label)
    {
        WithSession((session, _) =>
        {
            var handles = FindObjects(session, label, CKO.CKO_PRIVATE_KEY).Concat(FindObjects(session, label, CKO.CKO_PUBLIC_KEY)).ToList();
            if (handles.Count == 0)
            {
                throw new PkiException(PkiErrorCodes.KeyNotFound, $"no key labelled '{label}' on token '{_options.TokenLabel}'");
            }

            foreach (var handle in handles)
            {
                session.DestroyObject(handle);
            }

            return 0;
        });
        _signers.TryRemove(label, out _);
    }

    public void Dispose()
    {
        while (_sessions.TryTake(out var session))
        {
            session.Dispose();
        }

        _library.Dispose();
    }

    internal T WithSession<T>(Func<ISession, Pkcs11InteropFactories, T> action)
    {
        var session = _sessions.TryTake(out var pooled) ? pooled : OpenSession();
        try
        {
            return action(session, _factories);
        }
        catch (Pkcs11Exception ex)
        {
            throw new PkiException(PkiErrorCodes.HsmFailure, $"token '{_options.TokenLabel}' refused {ex.Method}: {ex.RV}", ex);
        }
        finally
        {
            _sessions.Add(session);
        }
    }

    internal IObjectHandle FindPrivateKey(ISession session, string label) =>
        FindObjects(session, label, CKO.CKO_PRIVATE_KEY).FirstOrDefault()
        ?? throw new PkiException(PkiErrorCodes.KeyNotFound, $"no private key labelled '{label}' on token '{_options.TokenLabel}'");

    private ISession OpenSession()
    {
        try
        {
            return _slot.OpenSession(SessionType.ReadWrite);
        }
        catch (Pkcs11Exception ex)
        {
            throw new PkiException(PkiErrorCodes.HsmFailure, $"cannot open a session on token '{_options.TokenLabel}': {ex.RV}", ex);
        }
    }

    private List<IObjectHandle> FindObjects(ISession session, string label, CKO objectClass) =>
        session.FindAllObjects(
        [
            _factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, objectClass),
            _factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label),
        ]);

    private KeyInfo Describe(ISession session, string label, IObjectHandle publicKey)
    {
        var keyType = (CKK)session.GetAttributeValue(publicKey, [CKA.CKA_KEY_TYPE])[0].GetValueAsUlong();
        KeyAlgorithm algorithm;
        if (keyType == CKK.CKK_RSA)
        {
            var modulus = session.GetAttributeValue(publicKey, [CKA.CKA_MODULUS])[0].GetValueAsByteArray();
            algorithm = (modulus.SkipWhile(b => b == 0).Count() * 8) switch
            {
                <= 2048 => KeyAlgorithm.Rsa2048,
                <= 3072 => KeyAlgorithm.Rsa3072,
                _ => KeyAlgorithm.Rsa4096,
            };
        }
        else if (keyType == CKK.CKK_EC)
        {
            var curve = (DerObjectIdentifier)Asn1Object.FromByteArray(session.GetAttributeValue(publicKey, [CKA.CKA_EC_PARAMS])[0].GetValueAsByteArray());
            algorithm = curve.Equals(SecObjectIdentifiers.SecP384r1) ? KeyAlgorithm.EcP384 : KeyAlgorithm.EcP256;
        }
        else
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"key '{label}' on token '{_options.TokenLabel}' has unsupported type {keyType}");
        }

        return new KeyInfo(label, algorithm, ReadPublicKey(session, publicKey, algorithm), Backend);
    }

    private static byte[] ReadPublicKey(ISession session, IObjectHandle publicKey, KeyAlgorithm algorithm)
    {
        if (algorithm.IsRsa())
        {
            var values = session.GetAttributeValue(publicKey, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
            var rsa = new RsaPublicKeyStructure(
                new Org.BouncyCastle.Math.BigInteger(1, values[0].GetValueAsByteArray()),
                new Org.BouncyCastle.Math.BigInteger(1, values[1].GetValueAsByteArray()));
            return new SubjectPublicKeyInfo(new AlgorithmIdentifier(PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance), rsa).GetDerEncoded();
        }

        var ec = session.GetAttributeValue(publicKey, [CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT]);
        var curve = Asn1Object.FromByteArray(ec[0].GetValueAsByteArray());
        // PKCS#11 v2.40 §2.3.3: CKA_EC_POINT is the DER OCTET STRING of the point; unwrap it.
        var point = Asn1OctetString.GetInstance(ec[1].GetValueAsByteArray()).GetOctets();
        return new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey, curve), point).GetDerEncoded();
    }
}
