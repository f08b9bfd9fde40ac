using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.X509;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// Which digests and keys a verifier accepts. The default follows NIST SP 800-131A rev. 2 and GM/T:
/// SHA-2 and SM3 digests, RSA of 2048 bits or more, ECDSA on P-256/P-384/P-521, SM2. SHA-1, MD5, DSA and
/// short RSA keys are refused with the reason; <see cref="UnsafeLegacy"/> lifts that for archives (off by default).
/// </summary>
public sealed class AlgorithmPolicy
{
    private static readonly Dictionary<string, string> Digests = new(StringComparer.Ordinal)
    {
        ["2.16.840.1.101.3.4.2.4"] = "SHA-224",
        ["2.16.840.1.101.3.4.2.1"] = "SHA-256",
        ["2.16.840.1.101.3.4.2.2"] = "SHA-384",
        ["2.16.840.1.101.3.4.2.3"] = "SHA-512",
        ["1.2.156.10197.1.401"] = "SM3",
    };

    private static readonly Dictionary<string, string> LegacyDigests = new(StringComparer.Ordinal)
    {
        ["1.3.14.3.2.26"] = "SHA-1",
        ["1.2.840.113549.2.5"] = "MD5",
    };

    public static readonly AlgorithmPolicy Default = new(false);

    /// <summary>Also accepts SHA-1, DSA and RSA keys under 2048 bits (MD5 never): for verifying old archives only.</summary>
    public static readonly AlgorithmPolicy UnsafeLegacy = new(true);

    private readonly bool _legacy;

    private AlgorithmPolicy(bool legacy) => _legacy = legacy;

    public static string DigestName(string oid) =>
        Digests.TryGetValue(oid, out var name) || LegacyDigests.TryGetValue(oid, out name) ? name : oid;

    /// <returns>Null if the digest is acceptable, else why not.</returns>
    public string? CheckDigest(string oid)
    {
        if (Digests.ContainsKey(oid) || (_legacy && oid == "1.3.14.3.2.26"))
        {
            return null;
        }

        return LegacyDigests.TryGetValue(oid, out var name)
            ? $"digest algorithm {name} is refused by the algorithm policy (collisions are practical; NIST SP 800-131A disallows it for signatures)"
            : $"digest algorithm {oid} is not supported (use SHA-256, SHA-384, SHA-512 or SM3)";
    }

    /// <returns>Null if the signer's key is acceptable, else why not.</returns>
    public string? CheckKey(X509Certificate certificate)
    {
        var key = PublicKeys.Of(certificate);
        switch (key)
        {
            case RsaKeyParameters rsa when rsa.Modulus.BitLength < 2048 && !_legacy:
                return $"RSA key of {rsa.Modulus.BitLength} bits is refused by the algorithm policy (at least 2048 bits)";
            case RsaKeyParameters:
                return null;
            case ECPublicKeyParameters ec when ec.PublicKeyParamSet is null:
                return "EC key with explicit curve parameters is refused (use a named curve)";
            case ECPublicKeyParameters ec:
                var curve = ec.PublicKeyParamSet.Id;
                return curve is "1.2.840.10045.3.1.7" or "1.3.132.0.34" or "1.3.132.0.35" or "1.2.156.10197.1.301" ? null : $"EC curve {curve} is not supported (P-256, P-384, P-521 or SM2)";
            case DsaPublicKeyParameters when _legacy:
                return null;
            case DsaPublicKeyParameters:
                return "DSA signatures are refused by the algorithm policy (FIPS 186-5 withdrew DSA for new signatures)";
            default:
                return $"signer key type {key.GetType().Name} is not supported";
        }
    }
}
