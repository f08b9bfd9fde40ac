using System.Diagnostics.CodeAnalysis;

namespace PkiPlatform.KeyStore;

/// <summary>The stable text names of <see cref="KeyAlgorithm"/> used in configuration, the CLI and storage.</summary>
public static class KeyAlgorithmNames
{
    private static readonly Dictionary<string, KeyAlgorithm> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ec-p256"] = KeyAlgorithm.EcP256,
        ["p256"] = KeyAlgorithm.EcP256,
        ["ecdsa-p256"] = KeyAlgorithm.EcP256,
        ["ec-p384"] = KeyAlgorithm.EcP384,
        ["p384"] = KeyAlgorithm.EcP384,
        ["ecdsa-p384"] = KeyAlgorithm.EcP384,
        ["rsa-2048"] = KeyAlgorithm.Rsa2048,
        ["rsa2048"] = KeyAlgorithm.Rsa2048,
        ["rsa"] = KeyAlgorithm.Rsa2048,
        ["rsa-3072"] = KeyAlgorithm.Rsa3072,
        ["rsa3072"] = KeyAlgorithm.Rsa3072,
        ["rsa-4096"] = KeyAlgorithm.Rsa4096,
        ["rsa4096"] = KeyAlgorithm.Rsa4096,
        ["sm2"] = KeyAlgorithm.Sm2,
    };

    public const string Accepted = "ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096, sm2";

    public static string ToName(this KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcP256 => "ec-p256",
        KeyAlgorithm.EcP384 => "ec-p384",
        KeyAlgorithm.Rsa2048 => "rsa-2048",
        KeyAlgorithm.Rsa3072 => "rsa-3072",
        KeyAlgorithm.Rsa4096 => "rsa-4096",
        KeyAlgorithm.Sm2 => "sm2",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    public static bool TryParse(string? name, [NotNullWhen(true)] out KeyAlgorithm? algorithm)
    {
        if (name is not null && ByName.TryGetValue(name.Trim(), out var found))
        {
            algorithm = found;
            return true;
        }

        algorithm = null;
        return false;
    }

    public static KeyAlgorithm Parse(string name) =>
        TryParse(name, out var algorithm)
            ? algorithm.Value
            : throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"unknown key algorithm '{name}'; use one of: {Accepted}");

    public static bool IsRsa(this KeyAlgorithm algorithm) =>
        algorithm is KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096;

    public static int RsaBits(this KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.Rsa2048 => 2048,
        KeyAlgorithm.Rsa3072 => 3072,
        KeyAlgorithm.Rsa4096 => 4096,
        _ => 0,
    };

    /// <summary>The signature algorithm a key of this type signs certificates with unless told otherwise.</summary>
    public static SignatureAlgorithm DefaultSignature(this KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcP256 => SignatureAlgorithm.EcdsaSha256,
        KeyAlgorithm.EcP384 => SignatureAlgorithm.EcdsaSha384,
        KeyAlgorithm.Sm2 => SignatureAlgorithm.Sm3WithSm2,
        _ => SignatureAlgorithm.RsaPkcs1Sha256,
    };
}
