using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace PkiPlatform.KeyStore.Curves;

/// <summary>
/// SM2 key pairs (GM/T 0003.1 §6.1: d uniform in [1, n−2], P = d·G) from the operating system's CSPRNG, on the
/// allocation-free curve arithmetic, returned as BouncyCastle parameters for the rest of the platform.
/// </summary>
public static class Sm2KeyPairGenerator
{
    /// <summary>A fresh pair on <paramref name="domain"/>, which must be sm2p256v1.</summary>
    public static AsymmetricCipherKeyPair Generate(ECDomainParameters domain)
    {
        Sm2Domain.Require(domain);
        Span<byte> d = stackalloc byte[32];
        Span<byte> x = stackalloc byte[32];
        Span<byte> y = stackalloc byte[32];
        var limit = domain.N.Subtract(BigInteger.One); // d < n − 1: (1 + d) must be invertible for signing
        BigInteger secret;
        do
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(d); // rejection sampling keeps d uniform
            secret = new BigInteger(1, d);
        }
        while (secret.SignValue == 0 || secret.CompareTo(limit) >= 0);

        Sm2Curve.MultiplyGenerator(d, x, y);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(d);
        var q = Sm2Domain.Point(domain, x, y);
        return new AsymmetricCipherKeyPair(new ECPublicKeyParameters(q, domain), new ECPrivateKeyParameters(secret, domain));
    }
}
