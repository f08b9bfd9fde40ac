namespace PkiPlatform.KeyStore;

/// <summary>What the key store tells about a key: never the private part.</summary>
/// <param name="Label">The key's unique label in its store.</param>
/// <param name="Algorithm">The key type.</param>
/// <param name="SubjectPublicKeyInfo">DER SubjectPublicKeyInfo of the public key.</param>
/// <param name="Backend">"software" or "pkcs11".</param>
public sealed record KeyInfo(string Label, KeyAlgorithm Algorithm, byte[] SubjectPublicKeyInfo, string Backend);
