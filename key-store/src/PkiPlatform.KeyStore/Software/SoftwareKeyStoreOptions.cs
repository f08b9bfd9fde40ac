namespace PkiPlatform.KeyStore.Software;

/// <summary>Where software keys live and how their encryption key is derived.</summary>
public sealed class SoftwareKeyStoreOptions
{
    /// <summary>Folder holding one encrypted file per key.</summary>
    public required string Directory { get; init; }

    /// <summary>Operator passphrase from which the key-encryption key is derived.</summary>
    public required string Passphrase { get; init; }

    /// <summary>
    /// scrypt cost as log2(N), with r = 8, p = 1. 16 means 64 MiB and roughly a third of a second
    /// here; the value in force when a key is written is stored with it.
    /// </summary>
    public int ScryptLog2N { get; init; } = 16;
}
