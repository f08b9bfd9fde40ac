namespace PkiPlatform.CaCore.Storage;

/// <summary>An application for a certificate, or a request to revoke one, on its way through the RA to the CA worker.</summary>
public sealed class RaRequestEntity
{
    public long Id { get; set; }

    public RaRequestKind Kind { get; set; }

    public RaRequestStatus Status { get; set; }

    public string Profile { get; set; } = "";

    /// <summary>PKCS#10 DER (issue requests).</summary>
    public byte[]? CsrDer { get; set; }

    public string SubjectDn { get; set; } = "";

    public string ApplicantName { get; set; } = "";

    public string ApplicantStaffId { get; set; } = "";

    public string Organization { get; set; } = "";

    public string Unit { get; set; } = "";

    public string Contact { get; set; } = "";

    /// <summary>The authenticated submitter: an account identity, <c>certificate:{issuer}/{serial}</c> for a platform
    /// certificate bound to no account, or <c>anonymous</c>. Never a value the applicant typed.</summary>
    public string SubmittedBy { get; set; } = "";

    /// <summary>The certificate the submitter authenticated with (<c>{issuer}/{serial}</c>), if any.</summary>
    public string? SubmittedWith { get; set; }

    /// <summary>The account the certificate will be bound to (issue), or the account bound to the certificate (revoke, release).</summary>
    public string? Account { get; set; }

    /// <summary><see cref="Accounts.SubjectKey"/> of <see cref="SubjectDn"/>, compared with the deciding officer's own subject.</summary>
    public string? SubjectKey { get; set; }

    public int RequiredApprovals { get; set; }

    /// <summary>The CA to issue from (service requests; RA applications use the issuing CA).</summary>
    public string? Authority { get; set; }

    /// <summary>Requested validity in days within the profile's maximum (service requests).</summary>
    public int? ValidityDays { get; set; }

    /// <summary>Serial of the certificate issued (issue) or to revoke (revoke).</summary>
    public string? Serial { get; set; }

    /// <summary>Dual-certificate profiles (issue 13): the encryption certificate's serial.</summary>
    public string? EncryptionSerial { get; set; }

    /// <summary>Dual-certificate profiles: the encryption private key enveloped for the signing certificate (from the KMC).</summary>
    public byte[]? Envelope { get; set; }

    /// <summary>The envelope's format (EnvelopeFormats).</summary>
    public string? EnvelopeFormat { get; set; }

    public int? RevocationReason { get; set; }

    public string? Outcome { get; set; }

    /// <summary>Unguessable code with which an applicant without a certificate follows the request (portal link).</summary>
    public string TrackingCode { get; set; } = "";

    public DateTime SubmittedAt { get; set; }

    public DateTime? DecidedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    /// <summary>When a CA worker took the request (status Processing); a claim older than the lease is recovered.</summary>
    public DateTime? ClaimedAt { get; set; }
}
