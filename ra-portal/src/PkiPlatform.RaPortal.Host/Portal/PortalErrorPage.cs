using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace PkiPlatform.RaPortal.Host.Portal;

/// <summary>
/// Issue 11: every error a person meets on a portal page — a mistyped tracking link, a refused certificate, a missing
/// role, a failure — is an HTML page in the portal's language that says what to do, never raw JSON. The API keeps its
/// problem details. One writer for all of them (no re-execution of the pipeline, so it works for any status).
/// </summary>
internal static class PortalErrorPage
{
    /// <summary>Paths that are portal pages (the rest: API, protocol endpoints, health, metrics, OpenAPI).</summary>
    public static bool IsPage(PathString path) =>
        !path.StartsWithSegments("/api") && !path.StartsWithSegments("/health") && !path.StartsWithSegments("/metrics") && !path.StartsWithSegments("/openapi")
        && !path.StartsWithSegments("/connect") && !path.StartsWithSegments("/.well-known") // the identity provider's protocol answers
        && !ServiceDefaults.ServiceDefaultsExtensions.IsProtocolPath(path);

    public static void UsePortalErrorPages(this IApplicationBuilder pages)
    {
        pages.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context => WriteAsync(context, StatusCodes.Status500InternalServerError, null),
        });
        pages.UseStatusCodePages(async status =>
        {
            if (status.HttpContext.Response.StatusCode >= 400)
            {
                await WriteAsync(status.HttpContext, status.HttpContext.Response.StatusCode, null);
            }
        });
    }

    /// <summary>Writes the page; <paramref name="detail"/> (the core's English detail) is shown after the localised explanation.</summary>
    public static Task WriteAsync(HttpContext context, int status, string? detail)
    {
        var text = new PortalText(new HttpContextAccessor { HttpContext = context });
        var key = status switch
        {
            401 => "errorpage.401",
            403 => "errorpage.403",
            404 => "errorpage.404",
            405 or 400 or 413 or 415 => "errorpage.400",
            429 => "errorpage.429",
            _ => "errorpage.500",
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        string E(string value) => System.Net.WebUtility.HtmlEncode(value);
        var explanation = text[key + ".what"];
        var trace = status >= 500 ? $"<p class=\"muted\">{E(text["errorpage.trace"])}: <code>{E(context.TraceIdentifier)}</code></p>" : "";
        var detailHtml = detail is null ? "" : $"<p id=\"reason\">{E(detail)}</p>";
        return context.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"{text.Language}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<title>{E(text[key])} · {E(text["title"])}</title><link rel=\"stylesheet\" href=\"/portal.css\"></head>" +
            $"<body><header><a class=\"brand\" href=\"/\">{E(text["title"])}</a></header><main><h1 id=\"error-title\">{E(text[key])}</h1>" +
            $"<p id=\"what\">{E(explanation)}</p>{detailHtml}{trace}<p><a href=\"/\">{E(text["nav.home"])}</a></p></main></body></html>");
    }
}
