using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PkiPlatform.RaPortal.Host.Portal;

namespace PkiPlatform.RaPortal.Host.Pages;

/// <summary>Switches the language and goes back — only ever to a local URL (no open redirect).</summary>
public sealed class LangModel : PageModel
{
    public IActionResult OnGet(string? to, string? tz, string? returnUrl)
    {
        var options = new CookieOptions { HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, MaxAge = TimeSpan.FromDays(365) };
        if (to is not null)
        {
            Response.Cookies.Append(PortalText.Cookie, to == "en" ? "en" : "zh-CN", options);
        }

        if (tz is not null && PortalText.TimeZones.Contains(tz))
        {
            Response.Cookies.Append(PortalText.TimeZoneCookie, tz, options);
        }

        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}
