using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.RaPortal.Host.Pages.Officer;

/// <summary>The officer's queue of pending applications, searchable and paged.</summary>
[Authorize(Policy = RaPortalEndpoints.ReaderPolicy)]
public sealed class QueueModel(RegistrationAuthority ra) : PageModel
{
    private const int PageSize = 25;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public IReadOnlyList<RaRequestEntity> Requests { get; private set; } = [];

    public bool HasMore { get; private set; }

    /// <summary>Approvals so far per request on this page.</summary>
    public IReadOnlyDictionary<long, int> Approvals { get; private set; } = new Dictionary<long, int>();

    public async Task OnGetAsync()
    {
        PageNumber = Math.Max(1, PageNumber);
        await using var db = ra.Ca.Database.CreateContext();
        var query = db.RaRequests.AsNoTracking().Where(r => r.Status == RaRequestStatus.Pending);
        if (!string.IsNullOrWhiteSpace(Q))
        {
            query = query.Where(r => r.SubjectDn.Contains(Q) || r.ApplicantName.Contains(Q) || r.ApplicantStaffId.Contains(Q));
        }

        var page = await query.OrderBy(r => r.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize + 1).ToListAsync(HttpContext.RequestAborted);
        HasMore = page.Count > PageSize;
        Requests = page.Take(PageSize).ToList();
        Approvals = await ra.ApprovalCountsAsync(Requests.Select(r => r.Id).ToList(), HttpContext.RequestAborted);
    }
}
