namespace PkiPlatform.TokenService.Validation;

/// <summary>RFC 5280 §6.1.1 user-initial inputs of path validation (beyond the anchors and the time).</summary>
public sealed record ValidationPolicy
{
    public static readonly ValidationPolicy Default = new();

    /// <summary>user-initial-policy-set; empty means any-policy.</summary>
    public IReadOnlySet<string> InitialPolicies { get; init; } = new HashSet<string>();

    /// <summary>initial-explicit-policy.</summary>
    public bool ExplicitPolicy { get; init; }

    /// <summary>initial-policy-mapping-inhibit.</summary>
    public bool InhibitPolicyMapping { get; init; }

    /// <summary>initial-any-policy-inhibit.</summary>
    public bool InhibitAnyPolicy { get; init; }

    /// <summary>
    /// Treats a trust anchor as a bare name and key, as RFC 5280 §6.1 alone does: its validity period, basicConstraints,
    /// keyUsage, unknown critical extensions and name constraints are ignored. For legacy anchors only; off by default,
    /// when RFC 5937 trust-anchor constraints apply (<see cref="TrustAnchorCheck"/>).
    /// </summary>
    public bool UnsafeLaxTrustAnchors { get; init; }

    /// <summary>
    /// Accepts certificates that break RFC 5280's profile MUSTs (non-positive serial, missing or critical key identifiers,
    /// keyCertSign without cA, empty subject with a non-critical SAN, …). Off by default (<see cref="CertificateProfileCheck"/>).
    /// </summary>
    public bool UnsafeLaxCertificateProfile { get; init; }
}
