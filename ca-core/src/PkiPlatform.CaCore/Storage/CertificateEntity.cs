namespace PkiPlatform.CaCore.Storage;

/// <summary>A certificate the CA issued, or intended to issue.</summary>
public sealed class CertificateEntity
{
    public long Id { get; set; }

    public int AuthorityId { get; set; }

    /// <summary>Upper-case hex without leading zero octets, as <c>openssl x509 -serial</c> prints it.</summary>
    public string Serial { get; set; } = "";

    public string Profile { get; set; } = "";

    public string SubjectDn { get; set; } = "";

    public DateTime NotBefore { get; set; }

    public DateTime NotAfter { get; set; }

    public CertificateStatus Status { get; set; }

    public byte[]? Der { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    /// <summary>RFC 5280 CRLReason code.</summary>
    public int? RevocationReason { get; set; }

    public DateTime? InvalidityDate { get; set; }

    /// <summary>When revocation status last changed (revoked, held, released): drives delta CRLs.</summary>
    public DateTime? StatusChangedAt { get; set; }
}
