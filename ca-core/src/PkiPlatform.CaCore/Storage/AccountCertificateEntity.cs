namespace PkiPlatform.CaCore.Storage;

/// <summary>
/// The explicit binding of one issued certificate (issuer + serial, i.e. one <see cref="CertificateEntity"/> row)
/// to one account. Authentication finds the account through this row, never through the subject name.
/// </summary>
public sealed class AccountCertificateEntity
{
    public long Id { get; set; }

    public int AccountId { get; set; }

    public long CertificateId { get; set; }

    /// <summary>SHA-256 of the certificate's SubjectPublicKeyInfo, hex.</summary>
    public string SpkiSha256 { get; set; } = "";

    public DateTime BoundAt { get; set; }

    /// <summary>Who bound it: the RA request that issued it, or the operator.</summary>
    public string BoundBy { get; set; } = "";
}
