namespace PkiPlatform.KeyStore;

/// <summary>
/// Key custody. Private keys never leave an implementation in clear; callers get public keys and
/// signatures. Implementations are safe for concurrent use.
/// </summary>
public interface IKeyStore : IDisposable
{
    /// <summary>"software" or "pkcs11".</summary>
    string Backend { get; }

    /// <summary>Generates a key pair under a new label; a taken label is an error.</summary>
    KeyInfo Generate(string label, KeyAlgorithm algorithm, KeyPurpose purpose = KeyPurpose.Signing);

    /// <summary>The key under <paramref name="label"/>; <see cref="PkiErrorCodes.KeyNotFound"/> if there is none.</summary>
    KeyInfo Get(string label);

    IReadOnlyList<KeyInfo> List();

    /// <summary>A signer for the key; cheap to call repeatedly (implementations cache loaded keys).</summary>
    ISigningKey GetSigner(string label);

    /// <summary>The key for unwrapping CMS content-encryption keys (RSA-OAEP, ECDH).</summary>
    IDecryptionKey GetDecrypter(string label);

    /// <summary>Destroys the key irrevocably.</summary>
    void Destroy(string label);
}
