using PkiPlatform.CaCore.Revocation;

namespace PkiPlatform.TokenService.Validation;

public enum RevocationState
{
    /// <summary>No answer could be had: the verdict cannot be "valid".</summary>
    Unknown,
    Good,
    Revoked,
}

/// <summary>The status of one certificate and where it came from ("OCSP http://…", "CRL http://…").</summary>
public sealed record RevocationStatus(RevocationState State, string Source, DateTime? RevokedAt = null, RevocationReason? Reason = null, string? Detail = null)
{
    /// <summary>RFC 5280 §5.3.1 reason name, e.g. keyCompromise.</summary>
    public string? ReasonName => Reason is { } reason ? char.ToLowerInvariant(reason.ToString()[0]) + reason.ToString()[1..] : null;
}
