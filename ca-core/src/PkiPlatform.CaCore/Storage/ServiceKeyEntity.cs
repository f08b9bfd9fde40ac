namespace PkiPlatform.CaCore.Storage;

/// <summary>
/// A key the token service holds for a business system: the key-store label, its certificate, what it
/// may do (sign or decrypt), and the one system (client-certificate subject) allowed to use it.
/// </summary>
public sealed class ServiceKeyEntity
{
    public int Id { get; set; }

    public string KeyLabel { get; set; } = "";

    /// <summary>The subject DN of the client certificate the owning system authenticates with.</summary>
    public string Owner { get; set; } = "";

    /// <summary>"sign" or "decrypt".</summary>
    public string Usage { get; set; } = "";

    public string Serial { get; set; } = "";

    public byte[] CertificateDer { get; set; } = [];

    public DateTime NotAfter { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? DisabledAt { get; set; }
}
