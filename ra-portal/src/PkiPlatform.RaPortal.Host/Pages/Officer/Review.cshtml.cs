using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.RaPortal.Host.Pages.Officer;

/// <summary>One application: decoded request, profile checks, applicant, and the officer's decision.</summary>
[Authorize(Policy = RaPortalEndpoints.OfficerPolicy)]
public sealed class ReviewModel(RegistrationAuthority ra) : PageModel
{
    public RaRequestEntity Application { get; private set; } = null!;

    public CsrPreview? Preview { get; private set; }

    public IReadOnlyList<RaRequestEntity> History { get; private set; } = [];

    /// <summary>The decisions so far (issue 11: progress "approved 1/2", who and when).</summary>
    public IReadOnlyList<RaDecision> Decisions { get; private set; } = [];

    /// <summary>Whether the signed-in officer has already decided (then no approve/reject buttons for them).</summary>
    public bool DecidedByMe { get; private set; }

    /// <summary>The account the certificate will be bound to, as it stands (an officer sees when it carries an RA role).</summary>
    public CaCore.Accounts.BoundAccount? TargetAccount { get; private set; }

    public string? Error { get; private set; }

    /// <summary>The stable code of <see cref="Error"/>, for the portal to say it in the user's language.</summary>
    public string? ErrorCode { get; private set; }

    [BindProperty] public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(long id) => await LoadAsync(id);

    public Task<IActionResult> OnPostApproveAsync(long id) => DecideAsync(id, approve: true);

    public Task<IActionResult> OnPostRejectAsync(long id) => DecideAsync(id, approve: false);

    private async Task<IActionResult> DecideAsync(long id, bool approve)
    {
        var officer = CaCore.Accounts.PlatformPrincipal.From(User)!;
        try
        {
            if (approve)
            {
                await ra.ApproveAsync(id, officer, Reason ?? "", HttpContext.RequestAborted);
            }
            else
            {
                await ra.RejectAsync(id, officer, Reason ?? "", HttpContext.RequestAborted);
            }
        }
        catch (PkiException ex)
        {
            Error = ex.Message;
            ErrorCode = ex.Code;
        }

        return await LoadAsync(id);
    }

    private async Task<IActionResult> LoadAsync(long id)
    {
        try
        {
            Application = await ra.GetAsync(id, HttpContext.RequestAborted);
        }
        catch (PkiException)
        {
            return NotFound();
        }

        Decisions = await ra.DecisionsAsync(id, HttpContext.RequestAborted);
        TargetAccount = Application.Account is { } target ? await ra.Ca.Accounts.FindAsync(target, HttpContext.RequestAborted) : null;
        var me = CaCore.Accounts.PlatformPrincipal.From(User)?.Identity;
        DecidedByMe = me is not null && Decisions.Any(d => d.Officer == me);
        if (Application.CsrDer is { } csr)
        {
            Preview = ra.Preview(Application.Profile, csr);
        }

        await using var db = ra.Ca.Database.CreateContext();
        var staffId = Application.ApplicantStaffId;
        History = staffId.Length == 0 ? [] : await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.RaRequests.Where(r => r.ApplicantStaffId == staffId && r.Id != id).OrderByDescending(r => r.Id).Take(20), HttpContext.RequestAborted);

        return Page();
    }
}
