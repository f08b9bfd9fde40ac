using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Parameters;

namespace PkiPlatform.KeyStore.Curves;

/// <summary>The domain parameters of sm2p256v1 (GM/T 0003.5), as BouncyCastle holds them.</summary>
public static class Sm2Domain
{
    /// <summary>sm2p256v1 named by its OID 1.2.156.10197.1.301.</summary>
    public static ECNamedDomainParameters Parameters { get; } = ECNamedDomainParameters.LookupOid(GMObjectIdentifiers.sm2p256v1);
}
