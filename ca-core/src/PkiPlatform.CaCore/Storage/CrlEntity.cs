namespace PkiPlatform.CaCore.Storage;

/// <summary>A CRL the CA published. Full and delta CRLs share one number sequence per issuer (RFC 5280 §5.2.3).</summary>
public sealed class CrlEntity
{
    public long Id { get; set; }

    public int AuthorityId { get; set; }

    public long Number { get; set; }

    /// <summary>For a delta CRL, the number of the full CRL it updates; null for a full CRL.</summary>
    public long? BaseNumber { get; set; }

    public DateTime ThisUpdate { get; set; }

    public DateTime NextUpdate { get; set; }

    public int EntryCount { get; set; }

    public byte[] Der { get; set; } = [];
}
