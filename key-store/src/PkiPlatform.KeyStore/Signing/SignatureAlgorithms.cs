using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;

namespace PkiPlatform.KeyStore.Signing;

/// <summary>AlgorithmIdentifiers and hashes for each <see cref="SignatureAlgorithm"/>.</summary>
public static class SignatureAlgorithms
{
    /// <summary>GM/T 0009 §10 default SM2 user ID "1234567812345678" (signer ID in SM3withSM2).</summary>
    public static ReadOnlySpan<byte> Sm2DefaultUserId => "1234567812345678"u8;

    /// <summary>
    /// The AlgorithmIdentifier written into certificates, CRLs and responses. RFC 5758 §3.2: ECDSA
    /// identifiers carry no parameters; RFC 4055 §5: sha*WithRSAEncryption carries NULL; GM/T 0015:
    /// SM3withSM2 has absent parameters.
    /// </summary>
    public static AlgorithmIdentifier Identifier(SignatureAlgorithm algorithm) => algorithm switch
    {
        SignatureAlgorithm.EcdsaSha256 => new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha256),
        SignatureAlgorithm.EcdsaSha384 => new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha384),
        SignatureAlgorithm.RsaPkcs1Sha256 => new AlgorithmIdentifier(PkcsObjectIdentifiers.Sha256WithRsaEncryption, DerNull.Instance),
        SignatureAlgorithm.RsaPkcs1Sha384 => new AlgorithmIdentifier(PkcsObjectIdentifiers.Sha384WithRsaEncryption, DerNull.Instance),
        SignatureAlgorithm.RsaPssSha256 => new AlgorithmIdentifier(PkcsObjectIdentifiers.IdRsassaPss, PssSha256Parameters),
        SignatureAlgorithm.Sm3WithSm2 => new AlgorithmIdentifier(GMObjectIdentifiers.sm2sign_with_sm3),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>RFC 4055 §3.1 RSASSA-PSS-params for SHA-256, MGF1-SHA-256, salt 32, trailer 1.</summary>
    private static RsassaPssParameters PssSha256Parameters { get; } = new(
        new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256, DerNull.Instance),
        new AlgorithmIdentifier(PkcsObjectIdentifiers.IdMgf1, new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256, DerNull.Instance)),
        DerInteger.ValueOf(32),
        DerInteger.ValueOf(1));

    public static HashAlgorithmName Hash(SignatureAlgorithm algorithm) => algorithm switch
    {
        SignatureAlgorithm.EcdsaSha384 or SignatureAlgorithm.RsaPkcs1Sha384 => HashAlgorithmName.SHA384,
        SignatureAlgorithm.Sm3WithSm2 => throw new ArgumentOutOfRangeException(nameof(algorithm), "SM3 is not a .NET hash"),
        _ => HashAlgorithmName.SHA256,
    };

    /// <summary>Whether a key of type <paramref name="key"/> can produce <paramref name="algorithm"/>.</summary>
    public static bool Fits(KeyAlgorithm key, SignatureAlgorithm algorithm) => algorithm switch
    {
        SignatureAlgorithm.EcdsaSha256 or SignatureAlgorithm.EcdsaSha384 => key is KeyAlgorithm.EcP256 or KeyAlgorithm.EcP384,
        SignatureAlgorithm.Sm3WithSm2 => key == KeyAlgorithm.Sm2,
        _ => key.IsRsa(),
    };

    public static void EnsureFits(KeyAlgorithm key, SignatureAlgorithm algorithm)
    {
        if (!Fits(key, algorithm))
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"a {key.ToName()} key cannot sign {algorithm}");
        }
    }

    /// <summary>DER ECDSA-Sig-Value from the fixed-width r||s that PKCS#11 returns.</summary>
    public static byte[] EcdsaRawToDer(byte[] raw)
    {
        var half = raw.Length / 2;
        var r = new Org.BouncyCastle.Math.BigInteger(1, raw, 0, half);
        var s = new Org.BouncyCastle.Math.BigInteger(1, raw, half, half);
        return new DerSequence(new DerInteger(r), new DerInteger(s)).GetDerEncoded();
    }
}
