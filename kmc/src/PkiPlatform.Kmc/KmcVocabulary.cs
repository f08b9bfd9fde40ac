using PkiPlatform.CaCore.Issuance;

namespace PkiPlatform.Kmc;

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
}
