namespace PkiPlatform.Kmc;

/// <summary>A request to release an archived key (GM/T 0034 §12.4–12.5), with its approvals (kmc_recoveries).</summary>
public sealed class KeyRecoveryEntity
{
    public long Id { get; set; }

    public string KeyId { get; set; } = "";

    public RecoveryKind Kind { get; set; }

    /// <summary>The certificate the key is released to (the subscriber's new signing certificate, or the authorised requester's).</summary>
    public byte[] RecipientCertificate { get; set; } = [];

    /// <summary>Who asked (account identifier).</summary>
    public string RequestedBy { get; set; } = "";

    public string Reason { get; set; } = "";

    public RecoveryStatus Status { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? ReleasedAt { get; set; }

    /// <summary>The envelope for the recipient, once released.</summary>
    public byte[]? Envelope { get; set; }

    public string? EnvelopeFormat { get; set; }

    public List<RecoveryApprovalEntity> Approvals { get; set; } = [];
}

/// <summary>One key-recovery officer's approval of a recovery (kmc_recovery_approvals).</summary>
public sealed class RecoveryApprovalEntity
{
    public long Id { get; set; }

    public long RecoveryId { get; set; }

    /// <summary>The approving officer's account identifier.</summary>
    public string Approver { get; set; } = "";

    /// <summary>The certificate the officer authenticated with (issuer/serial).</summary>
    public string Certificate { get; set; } = "";

    public string Reason { get; set; } = "";

    public DateTime At { get; set; }
}

public enum RecoveryKind
{
    /// <summary>The subscriber lost the USB key: the same encryption key onto a new signing key.</summary>
    Subscriber = 0,

    /// <summary>Lawful order: released to an authorised requester's certificate.</summary>
    Judicial = 1,
}

public enum RecoveryStatus
{
    Pending = 0,
    Released = 1,
    Refused = 2,
}
