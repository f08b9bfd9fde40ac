using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PkiPlatform.Identity.Host;

/// <summary>The provider's two HTML pages (Chinese by default, English with ui_locales=en): consent and a refused sign-in.</summary>
internal static class IdentityPages
{
    public static string Consent(HttpContext context, OpenIddictRequest request, string application, StaffLogin login, string token, bool canRemember)
    {
        var english = context.Request.Query["ui_locales"].ToString().StartsWith("en", StringComparison.Ordinal);
        var fields = string.Concat((HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType
                ? context.Request.Form.Select(f => (f.Key, f.Value.ToString()))
                : context.Request.Query.Select(q => (q.Key, q.Value.ToString())))
            .Where(p => p.Key is not ("consent_token" or "decision" or "remember"))
            .Select(p => $"<input type=\"hidden\" name=\"{E(p.Key)}\" value=\"{E(p.Item2)}\">"));
        var scopes = string.Join(english ? ", " : "、", request.GetScopes().Where(s => s != Scopes.OpenId));
        var (title, ask, accept, decline, remember) = english
            ? ("Share your identity?", $"{application} asks to sign you in as {login.Name} ({login.StaffId}) and to receive: {scopes}.", "Allow", "Decline",
                "Remember my decision for this application (withdraw it at /connect/consents)")
            : ("是否授权？", $"{application} 请求以 {login.Name}（{login.StaffId}）的身份登录，并获取：{scopes}。", "同意", "拒绝",
                "记住对此应用的授权（可在 /connect/consents 撤回）");
        var rememberBox = canRemember ? $"<p><label><input type=\"checkbox\" id=\"remember\" name=\"remember\"> {E(remember)}</label></p>" : "";
        return $"<!DOCTYPE html><html lang=\"{(english ? "en" : "zh-CN")}\"><head><meta charset=\"utf-8\"><title>{E(title)}</title></head><body><main>" +
            $"<h1 id=\"consent-title\">{E(title)}</h1><p id=\"ask\">{E(ask)}</p><form method=\"post\" action=\"/connect/authorize\">{fields}" +
            $"<input type=\"hidden\" name=\"consent_token\" value=\"{E(token)}\">{rememberBox}<button id=\"accept\" name=\"decision\" value=\"accept\">{E(accept)}</button> " +
            $"<button id=\"decline\" name=\"decision\" value=\"decline\">{E(decline)}</button></form></main></body></html>";
    }

    /// <summary>The provider's own pages (consents, relying parties) in English: <c>?lang=en</c> or the portal's <c>lang</c> cookie.</summary>
    public static bool English(HttpContext context) => context.Request.Query["lang"] == "en" || context.Request.Cookies["lang"] == "en";

    public static string E(string? value) => System.Net.WebUtility.HtmlEncode(value ?? "");

    /// <summary>A form whose token is missing, forged or expired: nothing was changed.</summary>
    public static string FormExpired(HttpContext context) => English(context)
        ? "The form expired or was not sent from this page; nothing was changed. Submit it again."
        : "表单已过期或并非来自本页，未作任何更改，请重新提交。";

    /// <summary>The staff member behind a page of the sign-in listener (their login certificate, the CA's records), or the refusal page.</summary>
    public static async Task<(StaffLogin? Login, IResult? Refusal)> StaffOnPageAsync(HttpContext context, StaffAuthenticator staff)
    {
        var certificate = context.Connection.ClientCertificate ?? await context.Connection.GetClientCertificateAsync(context.RequestAborted);
        var (login, refusal) = await staff.AuthenticateAsync(certificate?.RawData, context.RequestAborted);
        return login is null
            ? (null, Results.Content(LoginRefused(context, refusal!), "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden))
            : (login, null);
    }

    public static string LoginRefused(HttpContext context, string reason)
    {
        var english = English(context) || context.Request.Query["ui_locales"].ToString().StartsWith("en", StringComparison.Ordinal);
        var title = english ? "Sign-in refused" : "无法登录";
        var what = english
            ? "Nothing was issued to the application. Insert the USB key with your valid staff login certificate and try again; if the certificate was revoked, is on hold or expired, contact the registration authority."
            : "未向业务系统签发任何凭证。请插入存有有效员工登录证书的 USB Key 后重试；如证书已吊销、冻结或过期，请联系注册机构。";
        return $"<!DOCTYPE html><html lang=\"{(english ? "en" : "zh-CN")}\"><head><meta charset=\"utf-8\"><title>{E(title)}</title></head>" +
            $"<body><main><h1 id=\"error-title\">{E(title)}</h1><p id=\"what\">{E(what)}</p><p id=\"reason\">{E(reason)}</p></main></body></html>";
    }
}
