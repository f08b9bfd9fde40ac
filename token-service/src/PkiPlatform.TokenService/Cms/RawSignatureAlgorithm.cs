using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// The signature algorithms verify-raw accepts: an exact allow-list of names, and of the OIDs that name one algorithm
/// without parameters (RFC 5758 §3.2 ECDSA, RFC 4055 §5 PKCS#1 v1.5, GM/T 0006 SM2). Matching is exact (ordinal):
/// no prefix, no case folding, no aliases, so SHA-1 (1.2.840.10045.4.1, 1.2.840.113549.1.1.5, "SHA1withECDSA", "ECDSA"),
/// "NONEwithECDSA" (no hash: it verifies a signature over whatever digest the caller chose) and every other spelling are refused.
/// RSASSA-PSS (1.2.840.113549.1.1.10) needs parameters, so only its names are accepted: MGF1 with the same hash, salt = hash length.
/// </summary>
public sealed record RawSignatureAlgorithm
{
    private static readonly RawSignatureAlgorithm[] All =
    [
        new("SHA256withECDSA", "1.2.840.10045.4.3.2", KeyKind.Ecdsa),
        new("SHA384withECDSA", "1.2.840.10045.4.3.3", KeyKind.Ecdsa),
        new("SHA512withECDSA", "1.2.840.10045.4.3.4", KeyKind.Ecdsa),
        new("SHA256withRSA", "1.2.840.113549.1.1.11", KeyKind.Rsa),
        new("SHA384withRSA", "1.2.840.113549.1.1.12", KeyKind.Rsa),
        new("SHA512withRSA", "1.2.840.113549.1.1.13", KeyKind.Rsa),
        new("SHA256withRSAandMGF1", null, KeyKind.Rsa),
        new("SHA384withRSAandMGF1", null, KeyKind.Rsa),
        new("SHA512withRSAandMGF1", null, KeyKind.Rsa),
        new("SM3withSM2", "1.2.156.10197.1.501", KeyKind.Sm2),
    ];

    private static readonly Dictionary<string, RawSignatureAlgorithm> ByIdentifier = All
        .SelectMany(a => new[] { a.Name, a.Oid }.OfType<string>().Select(identifier => KeyValuePair.Create(identifier, a)))
        .ToDictionary(StringComparer.Ordinal);

    private RawSignatureAlgorithm(string name, string? oid, KeyKind key)
    {
        Name = name;
        Oid = oid;
        Key = key;
    }

    private enum KeyKind
    {
        Ecdsa,
        Rsa,
        Sm2,
    }

    /// <summary>The canonical name, which is also BouncyCastle's signer name.</summary>
    public string Name { get; }

    /// <summary>The algorithm OID, when it alone identifies the algorithm.</summary>
    public string? Oid { get; }

    private KeyKind Key { get; }

    /// <summary>Every accepted identifier, names then OIDs, for messages and documentation.</summary>
    public static string AcceptedList => string.Join(", ", All.Select(a => a.Name)) + "; or the OID of one of them: "
        + string.Join(", ", All.Where(a => a.Oid is not null).Select(a => a.Oid));

    /// <summary>The algorithm <paramref name="identifier"/> names exactly, or null when it is not on the allow-list.</summary>
    public static RawSignatureAlgorithm? Find(string? identifier) =>
        identifier is not null && ByIdentifier.TryGetValue(identifier, out var algorithm) ? algorithm : null;

    /// <returns>Null if <paramref name="key"/> is of the kind this algorithm signs with, else why not.</returns>
    public string? CheckKey(AsymmetricKeyParameter key)
    {
        var sm2 = key is ECPublicKeyParameters { PublicKeyParamSet.Id: "1.2.156.10197.1.301" };
        return (Key, key) switch
        {
            (KeyKind.Rsa, RsaKeyParameters) => null,
            (KeyKind.Ecdsa, ECPublicKeyParameters) when !sm2 => null,
            (KeyKind.Sm2, ECPublicKeyParameters) when sm2 => null,
            _ => $"signature algorithm {Name} does not fit the certificate's {(sm2 ? "SM2" : key is RsaKeyParameters ? "RSA" : key is ECPublicKeyParameters ? "EC" : key.GetType().Name)} key",
        };
    }
}
