using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

using static PkiPlatform.Identity.Host.IdentityPages;

namespace PkiPlatform.Identity.Host;

/// <summary>
/// The staff member's own page of remembered consents, on the sign-in listener (its certificate prompt): which
/// third-party applications they allowed, what, since when, and a button to withdraw each. Who is asking is decided by
/// the login certificate (the CA's records), never by a form field; the withdraw form carries a token bound to that
/// certificate (no cross-site forgery with the browser's ambient certificate). Chinese by default, English with ?lang=en.
/// </summary>
internal static class StaffConsents
{
    public const string Path = "/connect/consents";

    public static WebApplication MapStaffConsents(this WebApplication app)
    {
        app.MapGet(Path, (Delegate)ShowAsync);
        app.MapPost(Path, (Delegate)WithdrawAsync);
        return app;
    }

    private static string Binding(StaffLogin login) => "consents\n" + login.CertificateId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<IResult> ShowAsync(HttpContext context, StaffAuthenticator staff, RememberedConsents consents, ConsentTokens tokens)
    {
        var (login, refusal) = await IdentityPages.StaffOnPageAsync(context, staff);
        return refusal ?? Results.Content(await PageAsync(context, login!, consents, tokens.Issue(Binding(login!)), null), "text/html; charset=utf-8");
    }

    private static async Task<IResult> WithdrawAsync(HttpContext context, StaffAuthenticator staff, RememberedConsents consents, ConsentTokens tokens)
    {
        var (login, refusal) = await IdentityPages.StaffOnPageAsync(context, staff);
        if (refusal is not null)
        {
            return refusal;
        }

        var en = English(context);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        if (!(form?["token"] is { Count: 1 } token && tokens.Verify(token[0]!, Binding(login!))))
        {
            return Results.Content(await PageAsync(context, login!, consents, tokens.Issue(Binding(login!)),
                FormExpired(context)),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }

        var withdrawn = await consents.WithdrawAsync(login!.Subject, form["id"].ToString(), context.RequestAborted);
        var message = withdrawn is null
            ? (en ? "Nothing to withdraw: this consent is not one of yours or was withdrawn already." : "没有可撤回的授权：该授权不属于您或已撤回。")
            : (en ? $"Withdrawn: {withdrawn}. It will ask for your consent at the next sign-in." : $"已撤回：{withdrawn}。下次登录时将再次征求您的同意。");
        return Results.Content(await PageAsync(context, login, consents, tokens.Issue(Binding(login)), message, success: withdrawn is not null), "text/html; charset=utf-8",
            statusCode: withdrawn is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
    }

    private static async Task<string> PageAsync(HttpContext context, StaffLogin login, RememberedConsents consents, string token, string? message, bool success = false)
    {
        var en = English(context);
        string T(string zh, string english) => en ? english : zh;
        var action = Path + (en ? "?lang=en" : "");
        var html = new StringBuilder();
        html.Append($"<!DOCTYPE html><html lang=\"{(en ? "en" : "zh-CN")}\"><head><meta charset=\"utf-8\"><title>{E(T("已记住的授权", "Remembered consents"))}</title></head><body><main>");
        html.Append($"<h1 id=\"title\">{E(T("已记住的授权", "Remembered consents"))}</h1><p id=\"who\">{E(login.Name)} ({E(login.StaffId)})</p>");
        if (message is not null)
        {
            html.Append($"<p id=\"{(success ? "done" : "error")}\">{E(message)}</p>");
        }

        var list = await consents.ListAsync(login.Subject, context.RequestAborted);
        if (list.Count == 0)
        {
            html.Append($"<p id=\"none\">{E(T("您没有让任何应用记住授权。", "No application remembers your consent."))}</p>");
        }
        else
        {
            html.Append($"<table id=\"consents\"><tr><th>{E(T("应用", "Application"))}</th><th>client_id</th><th>{E(T("授权范围", "Scopes"))}</th><th>{E(T("授权时间（UTC）", "Since (UTC)"))}</th><th></th></tr>");
            foreach (var consent in list)
            {
                html.Append($"<tr><td>{E(consent.DisplayName)}</td><td>{E(consent.ClientId)}</td><td>{E(string.Join(' ', consent.Scopes))}</td>" +
                    $"<td>{consent.Since.UtcDateTime:yyyy-MM-dd HH:mm}</td><td><form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"token\" value=\"{E(token)}\">" +
                    $"<input type=\"hidden\" name=\"id\" value=\"{E(consent.Id)}\"><button>{E(T("撤回", "Withdraw"))}</button></form></td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("</main></body></html>");
        return html.ToString();
    }
}
