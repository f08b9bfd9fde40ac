namespace PkiPlatform.RaPortal.Host;

/// <summary>An application as business systems and the portal submit it (CSR as PEM).</summary>
public sealed record SubmitRequestBody(string? Profile, string? Csr, string? ApplicantName, string? StaffId, string? Organization, string? Unit, string? Contact, string? Account = null);

/// <summary>A CSR to decode and check against a profile before submitting.</summary>
public sealed record PreviewBody(string? Profile, string? Csr);

/// <summary>An officer's approval or rejection.</summary>
public sealed record DecisionBody(string? Reason);

/// <summary>An officer's request to revoke (or hold) a certificate.</summary>
public sealed record RevocationBody(string? Serial, string? Reason);

/// <summary>An RA admin's change to an account.</summary>
public sealed record AccountBody(string? Identity, string? DisplayName, string? Role, bool Active = true);

/// <summary>A request as the API shows it.</summary>
/// <param name="Approvals">Approvals so far (of <paramref name="RequiredApprovals"/>).</param>
/// <param name="Decisions">Each officer's decision so far: who, approve or reject, why, when.</param>
/// <param name="EncryptionSerial">Dual-certificate profiles (issue 13): the encryption certificate, fetched at …/encryption-certificate, its key at …/envelope.</param>
public sealed record RequestView(long Id, string Kind, string Status, string Profile, string Subject, int RequiredApprovals, string? Serial, string? Outcome, DateTimeOffset SubmittedAt, DateTimeOffset? CompletedAt,
    int Approvals, IReadOnlyList<DecisionView> Decisions, string? EncryptionSerial = null, string? EnvelopeFormat = null);

/// <summary>One decision as the API shows it (times with their offset: UTC).</summary>
public sealed record DecisionView(string Officer, string DisplayName, bool Approved, string Reason, DateTimeOffset At);

/// <summary>An application as its applicant sees it through the tracking code (no officer names).</summary>
/// <param name="TrackingCode">The only key to the application: keep it (…/applications/{code}, and the portal's /Track/{code}).</param>
public sealed record ApplicationView(string TrackingCode, long Id, string Status, string Profile, string Subject, int RequiredApprovals, int Approvals, string? Serial,
    string? EncryptionSerial, string? EnvelopeFormat, string? Outcome, DateTimeOffset SubmittedAt, DateTimeOffset? CompletedAt);
