using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.Identity;

/// <summary>Who a staff-auth certificate logs in as, taken from the CA's records, never from the certificate's text.</summary>
/// <param name="Subject">The OIDC <c>sub</c>: the account's stable identifier (staff:ID), the same after renewal or a new USB key.</param>
public sealed record StaffLogin(string Subject, string Name, string StaffId, string Organisation, string Department, IReadOnlyList<string> Roles, string Certificate);

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
            account.Role is { } role ? [role.ToString()] : [], credential.Certificate), null);
    }

    /// <summary>Whether the account behind a token is still allowed (refresh: a disabled account's tokens stop at once).</summary>
    public async Task<bool> IsActiveAsync(string subject, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        return await db.RaAccounts.AsNoTracking().AnyAsync(a => a.Identity == subject && a.Active, cancellationToken);
    }
}
