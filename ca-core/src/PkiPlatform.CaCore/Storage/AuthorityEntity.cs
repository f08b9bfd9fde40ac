namespace PkiPlatform.CaCore.Storage;

/// <summary>A CA the platform runs: the root or an issuing CA.</summary>
public sealed class AuthorityEntity
{
    public int Id { get; set; }

    /// <summary>Short name used in URLs and file names, e.g. "root", "issuing".</summary>
    public string Name { get; set; } = "";

    public int? ParentId { get; set; }

    public string KeyLabel { get; set; } = "";

    public string KeyAlgorithm { get; set; } = "";

    public string SubjectDn { get; set; } = "";

    public byte[] CertificateDer { get; set; } = [];

    public byte[] SubjectKeyId { get; set; } = [];

    public DateTime NotBefore { get; set; }

    public DateTime NotAfter { get; set; }

    public DateTime CreatedAt { get; set; }
}
