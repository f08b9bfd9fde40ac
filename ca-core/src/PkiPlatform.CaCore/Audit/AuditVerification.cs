namespace PkiPlatform.CaCore.Audit;

/// <summary>Outcome of <see cref="AuditTrail.VerifyAsync"/>.</summary>
public sealed record AuditVerification(bool IsIntact, long VerifiedEvents, long? FirstBrokenSequence, string Message)
{
    public static AuditVerification Intact(long count) => new(true, count, null, $"audit trail intact: {count} events verified");

    public static AuditVerification Broken(long verified, long sequence, string reason) =>
        new(false, verified, sequence, $"audit trail broken at event {sequence}: {reason}");
}
