using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Profiles;
using PkiPlatform.KeyStore;
using PkiPlatform.RaPortal.Host.Portal;

namespace PkiPlatform.RaPortal.Host.Pages;

/// <summary>The application form: decode and check first (fail fast, every rule shown), then submit.</summary>
[EnableRateLimiting(RaPortalEndpoints.SubmissionLimiter)]
public sealed class ApplyModel(RegistrationAuthority ra, PortalText text) : PageModel
{
    [BindProperty] public string Profile { get; set; } = "staff-auth";
    [BindProperty] public string? ApplicantName { get; set; }
    [BindProperty] public string? StaffId { get; set; }
    [BindProperty] public string? Organization { get; set; }
    [BindProperty] public string? Unit { get; set; }
    [BindProperty] public string? Contact { get; set; }
    [BindProperty] public string? Csr { get; set; }
    [BindProperty] public IFormFile? CsrFile { get; set; }

    /// <summary>The public page offers only public profiles (staff certificates); the RA refuses the rest whatever is posted.</summary>
    public IEnumerable<CertificateProfile> Profiles => ra.Ca.Profiles.All.Where(p => p.Audience == ProfileAudience.Public && !p.KmcKeysOnly).OrderBy(p => p.Name, StringComparer.Ordinal);

    public CsrPreview? Preview { get; private set; }

    public string? Error { get; private set; }

    /// <summary>The stable code of <see cref="Error"/>, for the portal to say it in the user's language.</summary>
    public string? ErrorCode { get; private set; }

    public Dictionary<string, string> FieldErrors { get; } = [];

    public void OnGet()
    {
    }

    public async Task OnPostPreviewAsync() => await RunAsync(submit: false);

    /// <summary>Post/redirect/get (issue 11): a submitted application continues on its tracking page, which a reload does not resubmit.</summary>
    public async Task<IActionResult> OnPostSubmitAsync()
    {
        await RunAsync(submit: true);
        return Submitted is { } done ? Redirect($"/Track/{done.Request.TrackingCode}?{(done.Duplicate ? "duplicate" : "submitted")}=true") : Page();
    }

    private (CaCore.Storage.RaRequestEntity Request, bool Duplicate)? Submitted { get; set; }

    private async Task RunAsync(bool submit)
    {
        var csr = await CsrBytesAsync();
        if (csr is null)
        {
            FieldErrors["Csr"] = text["field.required"];
            return;
        }

        try
        {
            Preview = ra.Preview(Profile, csr);
            if (!submit)
            {
                return;
            }

            foreach (var (field, value) in new[] { ("ApplicantName", ApplicantName), ("StaffId", StaffId), ("Organization", Organization) })
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    FieldErrors[field] = text["field.required"];
                }
            }

            if (FieldErrors.Count > 0)
            {
                return;
            }

            // The submitter is the certificate the browser presented, or nobody: never the staff ID typed into the form.
            Submitted = await ra.SubmitOrFindAsync(new RaApplication(Profile, csr, ApplicantName!, StaffId!, Organization!, Unit ?? "", Contact ?? ""),
                CaCore.Accounts.PlatformPrincipal.From(User), HttpContext.RequestAborted);
        }
        catch (PkiException ex)
        {
            Error = ex.Message;
            ErrorCode = ex.Code;
        }
    }

    private async Task<byte[]?> CsrBytesAsync()
    {
        if (CsrFile is { Length: > 0 and <= CaCore.Issuance.CertificateRequest.MaxDerLength })
        {
            using var copy = new MemoryStream();
            await CsrFile.CopyToAsync(copy);
            return copy.ToArray();
        }

        return string.IsNullOrWhiteSpace(Csr) ? null : System.Text.Encoding.ASCII.GetBytes(Csr);
    }
}
