using PkiPlatform.CaCore.Issuance;

namespace PkiPlatform.Kmc;

/// <summary>
/// What a recovery releases, to whom, asked by whom and why, shown to a key-recovery officer before approving;
/// <see cref="Digest"/> binds an approval to exactly this.
/// </summary>
public sealed record RecoveryDetails(long RecoveryId, RecoveryKind Kind, RecoveryStatus Status, string EncryptionCertificate, string RecipientSubject, string RecipientSerial,
    string? RecipientAccount, string RequestedBy, string Reason, DateTime RequestedAt, IReadOnlyList<string> ApprovedBy, int Required, string Digest,
    DateTime ExpiresAt, EncryptionKeyEnvelope? Envelope);

/// <summary>Where a recovery stands after an approval; <see cref="Envelope"/> once released.</summary>
public sealed record RecoveryOutcome(long RecoveryId, RecoveryStatus Status, int Approvals, int Required, EncryptionKeyEnvelope? Envelope);

public static class KmcAuditActions
{
    public const string KeyArchived = "kmc.key_archived";
    public const string KeyActivated = "kmc.key_activated";
    public const string KeyAbandoned = "kmc.key_abandoned";
    public const string KeyCompromised = "kmc.key_compromised";
    public const string RecoveryRequested = "kmc.recovery_requested";
    public const string RecoveryApproved = "kmc.recovery_approved";
    public const string KeyReleased = "kmc.key_released";
}

public static class KmcErrorCodes
{
    public const string UnknownKey = "kmc.unknown_key";
    public const string UnknownRecovery = "kmc.unknown_recovery";
    public const string KeyState = "kmc.key_state";
    public const string Forbidden = "kmc.forbidden";
    public const string SameOfficer = "kmc.same_officer";
    public const string Recipient = "kmc.recipient";
    public const string RecoveryChanged = "kmc.recovery_changed";

    /// <summary>Each code with its HTTP status, for the KMC host's problem responses.</summary>
    public static readonly IReadOnlyList<PkiPlatform.KeyStore.PkiErrorCode> Catalog =
    [
        new(UnknownKey, 404),
        new(UnknownRecovery, 404),
        new(KeyState, 409),
        new(Forbidden, 403),
        new(SameOfficer, 409),
        new(Recipient, 422),
        new(RecoveryChanged, 409),
    ];
}

/// <summary>
/// Key recovery through the KMC host (GM/T 0034 §12.4–12.5): each key-recovery officer authenticates at the TLS handshake
/// with their own certificate and key; the KMC decides by the account the CA bound that certificate to and its role.
/// </summary>
public static class KmcRecoveryProtocol
{
    /// <summary>POST <see cref="RecoveryRequest"/> → 201 <see cref="RecoveryOpened"/>.</summary>
    public const string RecoveriesPath = "/kmc/v1/recoveries";

    /// <summary>POST <see cref="RecoveryApproval"/> to <c>/kmc/v1/recoveries/{id}/approve</c> → 200 <see cref="RecoveryOutcome"/>.</summary>
    public static string ApprovePath(long id) => $"{RecoveriesPath}/{id}/approve";

    /// <param name="Authority">The CA that issued the encryption certificate (default: the issuing CA).</param>
    public sealed record RecoveryRequest(string EncryptionSerial, RecoveryKind Kind, byte[] RecipientCertificate, string Reason, string? Authority = null);

    public sealed record RecoveryOpened(long RecoveryId);

    /// <param name="Digest">The <see cref="RecoveryDetails.Digest"/> the officer was shown: the approval is for that recovery only.</param>
    public sealed record RecoveryApproval(string Reason, string Digest);
}
