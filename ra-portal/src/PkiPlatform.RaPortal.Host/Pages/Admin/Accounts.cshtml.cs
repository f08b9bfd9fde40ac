using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.RaPortal.Host.Pages.Admin;

/// <summary>RA admins set roles (officer, RA admin, auditor — exclusive) on staff accounts and register business systems; every change audited.</summary>
[Authorize(Policy = RaPortalEndpoints.AdminPolicy)]
public sealed class AccountsModel(RegistrationAuthority ra) : PageModel
{
    [BindProperty] public string? Identity { get; set; }

    [BindProperty] public string? DisplayName { get; set; }

    /// <summary>Officer, RaAdmin, Auditor, or empty for no role.</summary>
    [BindProperty] public string? Role { get; set; }

    [BindProperty] public bool Active { get; set; }

    /// <summary>Issue 11: find the account by name, staff ID or identity, subject, or the serial of a certificate bound to it.</summary>
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    /// <summary>An account picked from the search: fills the form, so a role binds to that account and nothing typed.</summary>
    [BindProperty(SupportsGet = true)] public string? Pick { get; set; }

    public IReadOnlyList<RaAccountEntity> Accounts { get; private set; } = [];

    public string? Error { get; private set; }

    /// <summary>The stable code of <see cref="Error"/>, for the portal to say it in the user's language.</summary>
    public string? ErrorCode { get; private set; }

    public async Task OnGetAsync()
    {
        await LoadAsync();
        if (Pick is not null && Accounts.FirstOrDefault(a => a.Identity == Pick) is { } picked)
        {
            Identity = picked.Identity;
            DisplayName = picked.DisplayName;
            Role = picked.Role?.ToString();
            Active = picked.Active;
        }
    }

    public async Task OnPostAsync()
    {
        try
        {
            RaRole? role = string.IsNullOrEmpty(Role) ? null : Enum.TryParse<RaRole>(Role, out var parsed) ? parsed
                : throw new PkiException(PkiErrorCodes.InvalidArgument, $"role must be one of {string.Join(", ", Enum.GetNames<RaRole>())} or none");
            await ra.SetAccountAsync(Identity ?? "", DisplayName ?? "", role, Active, CaCore.Accounts.PlatformPrincipal.From(User)!, HttpContext.RequestAborted);
        }
        catch (PkiException ex)
        {
            Error = ex.Message;
            ErrorCode = ex.Code;
        }

        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        await using var db = ra.Ca.Database.CreateContext();
        var query = db.RaAccounts.AsNoTracking();
        var q = (Q ?? Pick)?.Trim();
        if (!string.IsNullOrEmpty(q))
        {
            var serial = q.Replace(":", "", StringComparison.Ordinal).ToUpperInvariant();
            var bySerial = db.AccountCertificates.AsNoTracking().Join(db.Certificates.AsNoTracking().Where(c => c.Serial == serial), b => b.CertificateId, c => c.Id, (b, c) => b.AccountId);
            query = query.Where(a => a.Identity.Contains(q) || a.DisplayName.Contains(q) || (a.SubjectDn != null && a.SubjectDn.Contains(q)) || bySerial.Contains(a.Id));
        }

        Accounts = await query.OrderBy(a => a.Identity).Take(500).ToListAsync(HttpContext.RequestAborted);
    }
}
