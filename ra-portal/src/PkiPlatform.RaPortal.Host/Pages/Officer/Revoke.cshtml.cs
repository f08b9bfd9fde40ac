using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.RaPortal.Host.Pages.Officer;

/// <summary>
/// Issue 11: revocation is confirmed on its own page that shows the certificate and its holder, requires choosing a
/// reason (none preselected) and says what happens. The platform's own certificates and the officer's own are refused.
/// </summary>
[Authorize(Policy = RaPortalEndpoints.OfficerPolicy)]
public sealed class RevokeModel(RegistrationAuthority ra) : PageModel
{
    /// <summary>The reasons an officer may choose, in RFC 5280 order (hold is its own action; cACompromise is the operator's).</summary>
    public static readonly IReadOnlyList<string> Reasons = ["keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation", "privilegeWithdrawn", "unspecified"];

    public CertificateEntity Certificate { get; private set; } = null!;

    /// <summary>The account the certificate is bound to, if any.</summary>
    public string? Holder { get; private set; }

    /// <summary>Why this officer cannot revoke it here (platform certificate, own certificate, already revoked), if so.</summary>
    public string? Refusal { get; private set; }

    public string? RefusalCode { get; private set; }

    public int FurtherApprovals { get; private set; }

    [BindProperty] public string? Reason { get; set; }

    public string? Error { get; private set; }

    public string? ErrorCode { get; private set; }

    public async Task<IActionResult> OnGetAsync(string serial) => await LoadAsync(serial) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string serial)
    {
        if (!await LoadAsync(serial))
        {
            return NotFound();
        }

        if (Refusal is not null)
        {
            return Page();
        }

        if (Reason is null || !Reasons.Contains(Reason))
        {
            Error = "choose a reason for the revocation";
            ErrorCode = "ra.reason_required";
            return Page();
        }

        try
        {
            var request = await ra.RequestRevocationAsync(Certificate.Serial, RevocationReasons.Parse(Reason), CaCore.Accounts.PlatformPrincipal.From(User)!, HttpContext.RequestAborted);
            return Redirect($"/Officer/Certificates?q={Certificate.Serial}&requested={request.Id}");
        }
        catch (PkiException ex)
        {
            Error = ex.Message;
            ErrorCode = ex.Code;
            return Page();
        }
    }

    private async Task<bool> LoadAsync(string serial)
    {
        string canonical;
        try
        {
            canonical = SerialNumbers.Normalize(serial);
        }
        catch (PkiException)
        {
            return false;
        }

        await using var db = ra.Ca.Database.CreateContext();
        var certificate = await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Serial == canonical && c.Status != CertificateStatus.Intent, HttpContext.RequestAborted);
        if (certificate is null)
        {
            return false;
        }

        Certificate = certificate;
        Holder = await db.AccountCertificates.AsNoTracking().Where(b => b.CertificateId == certificate.Id)
            .Join(db.RaAccounts.AsNoTracking(), b => b.AccountId, a => a.Id, (b, a) => a.Identity).FirstOrDefaultAsync(HttpContext.RequestAborted);
        FurtherApprovals = ra.Ca.Profiles.All.FirstOrDefault(p => p.Name == certificate.Profile)?.RevocationApprovals ?? 1;
        var me = CaCore.Accounts.PlatformPrincipal.From(User)?.Identity;
        (Refusal, RefusalCode) = certificate.Status == CertificateStatus.Revoked ? ("this certificate is already revoked", CaErrorCodes.AlreadyRevoked)
            : Holder is not null && Holder == me ? ("this is your own certificate; another officer must act on it", RaErrorCodes.OwnRequest)
            : await ra.IsPlatformCertificateAsync(certificate, HttpContext.RequestAborted) ? ($"this certificate ({certificate.Profile}) belongs to the platform itself; an operator revokes it with pki revoke {certificate.Serial} --reason R", RaErrorCodes.PlatformCertificate)
            : ((string?)null, (string?)null);
        return true;
    }
}
