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
}
