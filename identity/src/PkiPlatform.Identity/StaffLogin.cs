using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.Identity;

/// <summary>Who a staff-auth certificate logs in as, taken from the CA's records, never from the certificate's text.</summary>
/// <param name="Subject">The OIDC <c>sub</c>: the account's stable identifier (staff:ID), the same after renewal or a new USB key.</param>
/// <param name="CertificateId">The CA's record of the certificate that logged in: the session lives only as long as it is valid.</param>
public sealed record StaffLogin(string Subject, string Name, string StaffId, string Organisation, string Department, IReadOnlyList<string> Roles, string Certificate, long CertificateId);

/// <summary>
/// Issue 12's certificate login: the chain was built to the platform's anchors by the listener; here the CA's records
/// decide (this certificate issued here, of profile staff-auth, not revoked or on hold, bound to an active staff account).
/// A refusal says which and what to do.
/// </summary>
public sealed class StaffAuthenticator(CertificateAuthority ca)
{
    public async Task<(StaffLogin? Login, string? Refusal)> AuthenticateAsync(byte[]? certificate, CancellationToken cancellationToken = default)
    {
        if (certificate is null)
        {
            return (null, "no certificate was presented: insert the USB key holding your staff login certificate and reload the page");
        }

        var (credential, refusal) = await ca.Accounts.AuthenticateAsync(certificate, cancellationToken);
        if (credential is null)
        {
            return (null, refusal);
        }

        await using var db = ca.Database.CreateContext();
        var record = await db.Certificates.AsNoTracking().Where(c => c.Id == credential.CertificateId).Select(c => new { c.Profile }).FirstAsync(cancellationToken);
        if (record.Profile != IdentityAssurance.LoginProfile)
        {
            return (null, $"this certificate is of profile {record.Profile}; only staff login certificates ({IdentityAssurance.LoginProfile}) sign in here");
        }

        if (credential.Account is not { Kind: AccountKind.Person } bound)
        {
            return (null, "this certificate is bound to no staff account; ask the registration authority");
        }

        var account = await db.RaAccounts.AsNoTracking().FirstAsync(a => a.Id == bound.Id, cancellationToken);
        if (!account.Active)
        {
            return (null, $"the staff account {account.Identity} is disabled; ask an RA administrator");
        }

        return (new StaffLogin(account.Identity, account.DisplayName, account.Identity["staff:".Length..], account.Organization ?? "", account.Unit ?? "",
            account.Role is { } role ? [role.ToString()] : [], credential.Certificate, credential.CertificateId), null);
    }

    /// <summary>
    /// Whether a grant may still be used (code exchange, refresh): the account is active and the certificate that logged in
    /// is neither revoked, on hold nor expired — revoking the USB key's certificate ends its refresh tokens at once.
    /// </summary>
    public async Task<string?> RefusalAsync(string subject, long? certificateId, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        if (!await db.RaAccounts.AsNoTracking().AnyAsync(a => a.Identity == subject && a.Active, cancellationToken))
        {
            return $"the staff account {subject} is disabled or gone; sign in again";
        }

        if (certificateId is not { } id)
        {
            return "the grant names no login certificate; sign in again";
        }

        var certificate = await db.Certificates.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Status, c.NotAfter }).FirstOrDefaultAsync(cancellationToken);
        return certificate is null || certificate.Status != CertificateStatus.Issued ? "the certificate this session signed in with was revoked or put on hold; sign in again with a valid USB key"
            : certificate.NotAfter <= ca.Clock.GetUtcNow().UtcDateTime ? "the certificate this session signed in with has expired" : null;
    }
}
