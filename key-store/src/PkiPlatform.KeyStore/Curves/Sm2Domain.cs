using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace PkiPlatform.KeyStore.Curves;

/// <summary>The domain parameters of sm2p256v1 (GM/T 0003.5), as BouncyCastle holds them, and the bridge between them and <see cref="Sm2Curve"/>.</summary>
public static class Sm2Domain
{
    /// <summary>sm2p256v1 named by its OID 1.2.156.10197.1.301.</summary>
    public static ECNamedDomainParameters Parameters { get; } = ECNamedDomainParameters.LookupOid(GMObjectIdentifiers.sm2p256v1);

    /// <summary>Refuses domain parameters other than sm2p256v1 (the only curve <see cref="Sm2Curve"/> computes on).</summary>
    internal static void Require(ECDomainParameters domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (!domain.Equals(Parameters))
        {
            throw new ArgumentException("the SM2 arithmetic works on sm2p256v1 only", nameof(domain));
        }
    }

    /// <summary>BouncyCastle's point for coordinates <see cref="Sm2Curve"/> produced (on the curve by construction).</summary>
    internal static ECPoint Point(ECDomainParameters domain, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) =>
        domain.Curve.CreatePoint(new BigInteger(1, x), new BigInteger(1, y));
}
