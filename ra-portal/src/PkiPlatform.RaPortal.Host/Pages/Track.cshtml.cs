using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.RaPortal.Host.Pages;

/// <summary>An applicant follows an application by its unguessable tracking code and downloads the certificate.</summary>
public sealed class TrackModel(RegistrationAuthority ra) : PageModel
{
    public RaRequestEntity Application { get; private set; } = null!;

    /// <summary>Arrived here right after submitting (post/redirect/get): show the link to keep.</summary>
    [BindProperty(SupportsGet = true)] public bool Submitted { get; set; }

    /// <summary>Arrived here after submitting the same request again: this is the first application, not a new one.</summary>
    [BindProperty(SupportsGet = true)] public bool Duplicate { get; set; }

    /// <summary>The absolute link to this page, to keep (the scheme and host the browser used; only shown to this browser).</summary>
    public string AbsoluteLink => $"{Request.Scheme}://{Request.Host}/Track/{Application.TrackingCode}";

    public async Task<IActionResult> OnGetAsync(string code)
    {
        var request = await ra.FindByTrackingCodeAsync(code, HttpContext.RequestAborted);
        if (request is null)
        {
            return NotFound();
        }

        Application = request;
        return Page();
    }

    public async Task<IActionResult> OnGetCertificateAsync(string code, string? format)
    {
        var request = await ra.FindByTrackingCodeAsync(code, HttpContext.RequestAborted);
        if (request is not { Status: RaRequestStatus.Done, Serial: { } serial })
        {
            return NotFound();
        }

        var (bytes, type, name) = await CertificateDownloads.GetAsync(ra.Ca, serial, format, HttpContext.RequestAborted);
        return File(bytes, type, name);
    }

    /// <summary>Issue 13: the encryption certificate of a dual pair.</summary>
    public async Task<IActionResult> OnGetEncryptionCertificateAsync(string code, string? format)
    {
        var request = await ra.FindByTrackingCodeAsync(code, HttpContext.RequestAborted);
        if (request is not { Status: RaRequestStatus.Done, EncryptionSerial: { } serial })
        {
            return NotFound();
        }

        var (bytes, type, name) = await CertificateDownloads.GetAsync(ra.Ca, serial, format, HttpContext.RequestAborted);
        return File(bytes, type, name);
    }

    /// <summary>Issue 13: the encryption key enveloped for the applicant's signing key (only that key opens it).</summary>
    public async Task<IActionResult> OnGetEnvelopeAsync(string code)
    {
        var request = await ra.FindByTrackingCodeAsync(code, HttpContext.RequestAborted);
        if (request is not { Status: RaRequestStatus.Done, Envelope: { } envelope })
        {
            return NotFound();
        }

        var (bytes, type, name) = CertificateDownloads.Envelope(request, envelope);
        return File(bytes, type, name);
    }
}
