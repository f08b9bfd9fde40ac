using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.CaCore.Accounts;

/// <summary>
/// Who presented a client certificate: the certificate (issuer + serial, as the CA recorded it) and the account it is
/// explicitly bound to, if any. Hosts decide by <see cref="Account"/>; a certificate bound to no account has no role.
/// </summary>
public sealed record PlatformCredential(long CertificateId, string Certificate, string SubjectDn, BoundAccount? Account)
{
    /// <summary>The identity recorded as submitter or decider: the account, else the certificate.</summary>
    public string Identity => Account?.Identity ?? $"certificate:{Certificate}";

    /// <summary>How audit events name the actor: the account and the certificate used.</summary>
    public string AuditActor => Account is null ? $"certificate:{Certificate}" : $"{Account.Identity} (certificate {Certificate})";
}

/// <summary>The account a certificate is bound to, as far as authorization needs it.</summary>
public sealed record BoundAccount(int Id, string Identity, AccountKind Kind, RaRole? Role, string? StaffId, string? SubjectKey, string DisplayName);
