namespace PkiPlatform.KeyStore.Pkcs11;

/// <summary>Which PKCS#11 module, token and PIN the HSM backend uses.</summary>
public sealed class Pkcs11KeyStoreOptions
{
    /// <summary>Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so.</summary>
    public required string ModulePath { get; init; }

    /// <summary>Label of the token (preferred over a slot number, which can change).</summary>
    public required string TokenLabel { get; init; }

    /// <summary>User PIN; read from a file or environment in hosts, never logged.</summary>
    public required string Pin { get; init; }
}
