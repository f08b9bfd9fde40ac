namespace PkiPlatform.CaCore;

/// <summary>Stable error codes of the CA: requests, profiles, lint, certificates, accounts (see KeyStore.PkiException).</summary>
public static class CaErrorCodes
{
    public const string BadCsr = "csr.malformed";
    public const string CsrSignature = "csr.bad_signature";
    public const string ProfileViolation = "profile.violation";
    public const string UnknownProfile = "profile.unknown";
    public const string InvalidProfile = "profile.invalid";
    public const string LintFailed = "lint.failed";
    public const string NotInitialised = "ca.not_initialised";
    public const string AlreadyInitialised = "ca.already_initialised";
    public const string UnknownSerial = "ca.unknown_serial";
    public const string AlreadyRevoked = "ca.already_revoked";
    public const string NotOnHold = "ca.not_on_hold";
    public const string SubjectReserved = "ca.subject_reserved";
    public const string UnknownAccount = "account.unknown";
    public const string AccountExists = "account.exists";
    public const string ProfileAudience = "profile.audience";
    public const string DualProfile = "profile.dual";

    /// <summary>The key management centre answered with something the CA will not certify (wrong count, key type, a repeated or foreign key).</summary>
    public const string KmcResponse = "kmc.bad_response";
    public const string KmcReservationExpired = "kmc.reservation_expired";

    /// <summary>These codes with their HTTP status, for the hosts' error-code registry.</summary>
    public static readonly IReadOnlyList<KeyStore.PkiErrorCode> Catalog =
    [
        new(BadCsr, 400),
        new(CsrSignature, 400),
        new(ProfileViolation, 400),
        new(UnknownProfile, 404),
        new(InvalidProfile, 400),
        new(LintFailed, 422),
        new(NotInitialised, 500),
        new(AlreadyInitialised, 409),
        new(UnknownSerial, 404),
        new(AlreadyRevoked, 409),
        new(NotOnHold, 409),
        new(SubjectReserved, 409),
        new(UnknownAccount, 404),
        new(AccountExists, 409),
        new(ProfileAudience, 403),
        new(DualProfile, 400),
        new(KmcResponse, 500), // the platform's own fault, not the applicant's: a generic message, the detail to the log
        new(KmcReservationExpired, 500), // the CA stalled between the KMC's grant and its intents: nothing issued; the worker tries again after its lease
    ];
}
