namespace PkiPlatform.Identity;

/// <summary>
/// One sign-in of a staff member at one relying party (table <c>oidc_sessions</c>): its <c>sid</c> is in the ID token,
/// the login certificate and account are watched, and when either stops being valid (revoked, on hold, expired,
/// disabled) or the relying party logs out, the session ends, its tokens are revoked and the relying party is told
/// (OpenID Connect Back-Channel Logout 1.0).
/// </summary>
public sealed class LoginSessionEntity
{
    public long Id { get; set; }

    /// <summary>The session id (<c>sid</c> claim): random, unique.</summary>
    public string Sid { get; set; } = "";

    /// <summary>The account (<c>sub</c>): staff:ID.</summary>
    public string Subject { get; set; } = "";

    /// <summary>The CA's record of the certificate that signed in.</summary>
    public long CertificateId { get; set; }

    public string ClientId { get; set; } = "";

    /// <summary>OpenIddict's authorization this sign-in created: its codes and tokens are revoked with the session.</summary>
    public string AuthorizationId { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>Sessions end at the latest when their refresh tokens would have.</summary>
    public DateTime ExpiresAt { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary>Why it ended: certificate_revoked, certificate_expired, account_disabled, rp_logout, expired.</summary>
    public string? EndReason { get; set; }

    /// <summary>When the relying party acknowledged the logout token (2xx), if it has a back-channel logout URI.</summary>
    public DateTime? LogoutDeliveredAt { get; set; }

    /// <summary>The last delivery failure, if any (retried on the next sweeps while the logout is recent).</summary>
    public string? LogoutError { get; set; }
}
