using Microsoft.AspNetCore.Builder;

namespace PkiPlatform.RaPortal.Host.Portal;

/// <summary>A strict Content-Security-Policy and companions on every portal response.</summary>
internal static class SecurityHeaders
{
    public static IApplicationBuilder UsePortalSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        if (context.Request.IsHttps)
        {
            // Trust-model item 12: browsers come back over HTTPS only.
            headers.StrictTransportSecurity = "max-age=31536000";
        }
        await next();
    });
}
