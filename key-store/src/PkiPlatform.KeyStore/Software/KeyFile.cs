namespace PkiPlatform.KeyStore.Software;

/// <summary>
/// On-disk form of a software key: PKCS#8 sealed with AES-256-GCM under a key derived by scrypt
/// from the operator passphrase. The KDF parameters travel with the key so a cost change never
/// orphans old keys. The label and algorithm are the GCM associated data: editing them breaks the tag.
/// </summary>
internal sealed class KeyFile
{
    public int Version { get; set; } = 1;

    public string Label { get; set; } = "";

    public string Algorithm { get; set; } = "";

    public string Kdf { get; set; } = "scrypt";

    public int Log2N { get; set; }

    public int R { get; set; }

    public int P { get; set; }

    public string Salt { get; set; } = "";

    public string Nonce { get; set; } = "";

    public string Ciphertext { get; set; } = "";

    public string Tag { get; set; } = "";

    public string PublicKey { get; set; } = "";
}
