using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.RaPortal.Host.Pages;

/// <summary>Auditors read the trail, filtered and paged, and see whether its hash chain verifies.</summary>
[Authorize(Policy = RaPortalEndpoints.AuditorPolicy)]
public sealed class AuditModel(RegistrationAuthority ra) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Action { get; set; }

    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)] public long? Before { get; set; }

    public AuditVerification Verification { get; private set; } = null!;

    public IReadOnlyList<AuditEventEntity> Events { get; private set; } = [];

    public async Task OnGetAsync()
    {
        await using var db = ra.Ca.Database.CreateContext();
        Verification = await AuditTrail.VerifyAsync(db, HttpContext.RequestAborted);
        var query = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Action))
        {
            query = query.Where(e => e.Action == Action);
        }

        if (!string.IsNullOrWhiteSpace(Actor))
        {
            query = query.Where(e => e.Actor.Contains(Actor));
        }

        if (Before is { } before)
        {
            query = query.Where(e => e.Sequence < before);
        }

        Events = await query.OrderByDescending(e => e.Sequence).Take(50).ToListAsync(HttpContext.RequestAborted);
    }
}
