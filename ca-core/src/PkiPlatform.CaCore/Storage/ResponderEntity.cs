namespace PkiPlatform.CaCore.Storage;

/// <summary>A delegated OCSP responder certificate (profile ocsp-signing) and the label of its key.</summary>
public sealed class ResponderEntity
{
    public int Id { get; set; }

    /// <summary>The CA it answers for, which also issued it (RFC 6960 §4.2.2.2).</summary>
    public int AuthorityId { get; set; }

    public string KeyLabel { get; set; } = "";

    public string Serial { get; set; } = "";

    public byte[] CertificateDer { get; set; } = [];

    public DateTime NotBefore { get; set; }

    public DateTime NotAfter { get; set; }

    public DateTime CreatedAt { get; set; }
}
