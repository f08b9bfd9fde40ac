namespace PkiPlatform.KeyStore;

/// <summary>Key types the key store can generate and sign with.</summary>
public enum KeyAlgorithm
{
    EcP256,
    EcP384,
    Rsa2048,
    Rsa3072,
    Rsa4096,
    Sm2,
}
