using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.RaPortal.Host.Pages.Officer;

/// <summary>Issued certificates, searchable; an officer requests revocation, hold or release (dual control per profile).</summary>
[Authorize(Policy = RaPortalEndpoints.OfficerPolicy)]
public sealed class CertificatesModel(RegistrationAuthority ra) : PageModel
{
    private const int PageSize = 25;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    [BindProperty] public string? Serial { get; set; }

    /// <summary>The revocation request just made on the confirmation page (post/redirect/get).</summary>
    [BindProperty(SupportsGet = true)] public long? Requested { get; set; }

    [BindProperty] public string? Reason { get; set; }

    public IReadOnlyList<CertificateEntity> Certificates { get; private set; } = [];

    public bool HasMore { get; private set; }

    public string? Error { get; private set; }

    /// <summary>The stable code of <see cref="Error"/>, for the portal to say it in the user's language.</summary>
    public string? ErrorCode { get; private set; }

    public string? Message { get; private set; }

    public Task OnGetAsync() => LoadAsync();

    public Task OnPostHoldAsync() => ActAsync(officer => ra.RequestRevocationAsync(Serial ?? "", RevocationReason.CertificateHold, officer, HttpContext.RequestAborted));

    public Task OnPostReleaseAsync() => ActAsync(officer => ra.RequestReleaseAsync(Serial ?? "", officer, HttpContext.RequestAborted));

    private async Task ActAsync(Func<CaCore.Accounts.PlatformCredential, Task<RaRequestEntity>> action)
    {
        try
        {
            var request = await action(CaCore.Accounts.PlatformPrincipal.From(User)!);
            Message = $"#{request.Id} {request.Serial}";
        }
        catch (PkiException ex)
        {
            Error = ex.Message;
            ErrorCode = ex.Code;
        }

        // Give the CA worker a moment, so the list usually shows the new status already.
        await Task.Delay(300, HttpContext.RequestAborted);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        PageNumber = Math.Max(1, PageNumber);
        await using var db = ra.Ca.Database.CreateContext();
        var query = db.Certificates.AsNoTracking().Where(c => c.Status != CertificateStatus.Intent && c.Profile != "ocsp-signing");
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var serial = Q.Trim().Replace(":", "", StringComparison.Ordinal).ToUpperInvariant();
            query = query.Where(c => c.Serial == serial || c.SubjectDn.Contains(Q));
        }

        var page = await query.OrderByDescending(c => c.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize + 1)
            .Select(c => new CertificateEntity { Serial = c.Serial, SubjectDn = c.SubjectDn, Profile = c.Profile, Status = c.Status, NotAfter = c.NotAfter })
            .ToListAsync(HttpContext.RequestAborted);
        HasMore = page.Count > PageSize;
        Certificates = page.Take(PageSize).ToList();
    }
}
