namespace PkiPlatform.CaCore.Hosting;

/// <summary>PKCS#11 settings. The PIN itself is never in pki.json: it comes from a file or PKI_HSM_PIN.</summary>
public sealed class Pkcs11Config
{
    public string Module { get; set; } = "/usr/lib/softhsm/libsofthsm2.so";

    public string TokenLabel { get; set; } = "";

    /// <summary>File holding the user PIN (owner-only permissions); PKI_HSM_PIN overrides it.</summary>
    public string? PinFile { get; set; }
}
