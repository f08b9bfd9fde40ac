using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using PkiPlatform.KeyStore.Signing;

namespace PkiPlatform.KeyStore.Pkcs11;

/// <summary>
/// A token-held private key. The data is hashed here and only the digest crosses into the token
/// (CKM_ECDSA, CKM_RSA_PKCS over a DigestInfo, CKM_RSA_PKCS_PSS), so a large CRL costs one C_Sign.
/// </summary>
internal sealed class Pkcs11SigningKey(KeyInfo info, Pkcs11KeyStore store) : ISigningKey
{
    // DER DigestInfo prefixes, RFC 8017 §9.2 note 1.
    private static readonly byte[] Sha256DigestInfo = Convert.FromHexString("3031300d060960864801650304020105000420");
    private static readonly byte[] Sha384DigestInfo = Convert.FromHexString("3041300d060960864801650304020205000430");

    public KeyInfo Info { get; } = info;

    public ISignatureOperation BeginSign(SignatureAlgorithm algorithm)
    {
        SignatureAlgorithms.EnsureFits(Info.Algorithm, algorithm);
        return new HashThenSignOperation(SignatureAlgorithms.Hash(algorithm), digest => SignDigest(algorithm, digest));
    }

    private byte[] SignDigest(SignatureAlgorithm algorithm, byte[] digest) => store.WithSession((session, factories) =>
    {
        var key = store.FindPrivateKey(session, Info.Label);
        switch (algorithm)
        {
            case SignatureAlgorithm.EcdsaSha256:
            case SignatureAlgorithm.EcdsaSha384:
                using (var mechanism = factories.MechanismFactory.Create(CKM.CKM_ECDSA))
                {
                    return SignatureAlgorithms.EcdsaRawToDer(session.Sign(mechanism, key, digest));
                }

            case SignatureAlgorithm.RsaPssSha256:
                var pss = factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams(
                    ConvertUtils.UInt64FromCKM(CKM.CKM_SHA256), ConvertUtils.UInt64FromCKG(CKG.CKG_MGF1_SHA256), 32);
                using (var mechanism = factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_PSS, pss))
                {
                    return session.Sign(mechanism, key, digest);
                }

            default:
                var prefix = algorithm == SignatureAlgorithm.RsaPkcs1Sha384 ? Sha384DigestInfo : Sha256DigestInfo;
                using (var mechanism = factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS))
                {
                    return session.Sign(mechanism, key, [.. prefix, .. digest]);
                }
        }
    });

}
