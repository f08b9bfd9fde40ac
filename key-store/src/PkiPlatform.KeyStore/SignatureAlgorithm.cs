namespace PkiPlatform.KeyStore;

/// <summary>Signature schemes the key store produces.</summary>
public enum SignatureAlgorithm
{
    EcdsaSha256,
    EcdsaSha384,
    RsaPkcs1Sha256,
    RsaPkcs1Sha384,
    RsaPssSha256,
    Sm3WithSm2,
}
