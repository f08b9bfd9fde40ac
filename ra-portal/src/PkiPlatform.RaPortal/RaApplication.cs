namespace PkiPlatform.RaPortal;

/// <summary>What an applicant (or a business system) submits: a profile, a PKCS#10 request, who it is for.</summary>
public sealed record RaApplication(
    string Profile,
    byte[] Csr,
    string ApplicantName,
    string ApplicantStaffId,
    string Organization,
    string Unit,
    string Contact)
{
    /// <summary>For business-system profiles: the registered system account (system:NAME) the certificate is for; defaults to the submitter's own.</summary>
    public string? Account { get; init; }
}
