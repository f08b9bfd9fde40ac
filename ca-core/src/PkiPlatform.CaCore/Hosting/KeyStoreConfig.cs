namespace PkiPlatform.CaCore.Hosting;

/// <summary>Which key store holds the CA keys.</summary>
public sealed class KeyStoreConfig
{
    /// <summary>"software" (encrypted files, default) or "pkcs11" (an HSM).</summary>
    public string Type { get; set; } = "software";

    /// <summary>Software store folder, relative to the data directory unless absolute.</summary>
    public string Directory { get; set; } = "keys";

    /// <summary>scrypt cost for new software keys, as log2(N).</summary>
    public int ScryptLog2N { get; set; } = 16;

    public Pkcs11Config? Pkcs11 { get; set; }
}
