using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PkiPlatform.KeyStore;
using static OpenIddict.Abstractions.OpenIddictConstants;

using static PkiPlatform.Identity.Host.IdentityPages;

namespace PkiPlatform.Identity.Host;

/// <summary>
/// Issue 12: the RA administrators' page for relying parties, on the provider's sign-in listener (its certificate
/// prompt): list, register and disable business systems, through the same <see cref="RelyingParties"/> rules and audit
/// events as <c>pki oidc client</c>. Only a staff-auth certificate bound to an active account holding the RaAdmin role
/// gets in (read from the CA's records); every form carries a token bound to the admin's certificate (no cross-site
/// forgery with the browser's ambient client certificate). Chinese by default, English with ?lang=en.
/// </summary>
internal static class RelyingPartyAdmin
{
    public const string Path = "/connect/admin/clients";

    public static WebApplication MapRelyingPartyAdmin(this WebApplication app)
    {
        app.MapGet(Path, (Delegate)ShowAsync);
        app.MapPost(Path, (Delegate)ChangeAsync);
        return app;
    }

    private static string Binding(StaffLogin admin) => "rp-admin\n" + admin.CertificateId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<(StaffLogin? Admin, IResult? Refusal)> AdminAsync(HttpContext context, StaffAuthenticator staff)
    {
        var (login, refusal) = await IdentityPages.StaffOnPageAsync(context, staff);
        if (login is null)
        {
            return (null, refusal);
        }

        if (!login.Roles.Contains("RaAdmin"))
        {
            var reason = English(context) ? $"{login.Subject} does not hold the RaAdmin role: only RA administrators register business systems"
                : $"{login.Subject} 不是注册机构管理员：只有注册机构管理员可以登记业务系统";
            return (null, Results.Content(IdentityPages.LoginRefused(context, reason), "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden));
        }

        return (login, null);
    }

    private static async Task<IResult> ShowAsync(HttpContext context, StaffAuthenticator staff, RelyingParties clients, ConsentTokens tokens)
    {
        var (admin, refusal) = await AdminAsync(context, staff);
        return refusal ?? Results.Content(await PageAsync(context, admin!, clients, tokens.Issue(Binding(admin!)), null), "text/html; charset=utf-8");
    }

    private static async Task<IResult> ChangeAsync(HttpContext context, StaffAuthenticator staff, RelyingParties clients, ConsentTokens tokens)
    {
        var (admin, refusal) = await AdminAsync(context, staff);
        if (refusal is not null)
        {
            return refusal;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!(form["token"] is { Count: 1 } token && tokens.Verify(token[0]!, Binding(admin!))))
        {
            return Results.Content(await PageAsync(context, admin!, clients, tokens.Issue(Binding(admin!)),
                FormExpired(context)),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }

        var actor = $"{admin!.Subject} (certificate {admin.Certificate})";
        string message;
        try
        {
            if (form["action"] == "disable")
            {
                await clients.DisableAsync(form["client_id"].ToString(), actor, context.RequestAborted);
                message = (English(context) ? "Disabled: " : "已停用：") + form["client_id"];
            }
            else
            {
                static string[] Lines(string value) => value.Split(['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var grants = form["grant"].Select(g => g!).ToArray();
                var registration = new RelyingPartyRegistration(form["client_id"].ToString(), form["display_name"].ToString(),
                    grants.Length == 0 ? [GrantTypes.AuthorizationCode] : grants, Lines(form["redirect_uris"].ToString()),
                    form["auth"].ToString() is { Length: > 0 } auth ? auth : RelyingPartyProperties.ClientSecretBasic,
                    form["account"].ToString() is { Length: > 0 } account ? account : null,
                    form["jwks"].ToString() is { Length: > 0 } jwks ? jwks : null,
                    Lines(form["post_logout_redirect_uris"].ToString()),
                    form["backchannel_logout_uri"].ToString() is { Length: > 0 } backChannel ? backChannel : null,
                    form["require_par"] == "on", form["third_party"] != "on",
                    form["id_token_alg"].ToString() is { Length: > 0 } alg ? alg : Microsoft.IdentityModel.Tokens.SecurityAlgorithms.EcdsaSha256);
                var secret = await clients.AddAsync(registration, actor, context.RequestAborted);
                message = (English(context) ? "Registered: " : "已登记：") + registration.ClientId +
                    (secret is null ? "" : (English(context) ? $" — client secret (shown once): {secret}" : $" — 客户端密钥（仅显示一次）：{secret}"));
            }
        }
        catch (PkiException ex)
        {
            var why = !English(context) && ex.Data[RelyingParties.ChineseMessage] is string chinese ? chinese : ex.Message;
            return Results.Content(await PageAsync(context, admin, clients, tokens.Issue(Binding(admin)), why), "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }

        return Results.Content(await PageAsync(context, admin, clients, tokens.Issue(Binding(admin)), message, success: true), "text/html; charset=utf-8");
    }

    private static async Task<string> PageAsync(HttpContext context, StaffLogin admin, RelyingParties clients, string token, string? message, bool success = false)
    {
        var en = English(context);
        string T(string zh, string english) => en ? english : zh;
        var action = Path + (en ? "?lang=en" : "");
        var html = new StringBuilder();
        html.Append($"<!DOCTYPE html><html lang=\"{(en ? "en" : "zh-CN")}\"><head><meta charset=\"utf-8\"><title>{E(T("业务系统（依赖方）", "Business systems (relying parties)"))}</title></head><body><main>");
        html.Append($"<h1 id=\"title\">{E(T("业务系统（依赖方）", "Business systems (relying parties)"))}</h1><p id=\"who\">{E(admin.Name)} ({E(admin.StaffId)})</p>");
        if (message is not null)
        {
            html.Append($"<p id=\"{(success ? "done" : "error")}\">{E(message)}</p>");
        }

        html.Append($"<table id=\"clients\"><tr><th>client_id</th><th>{E(T("名称", "Name"))}</th><th>{E(T("状态", "Status"))}</th><th>{E(T("认证方式", "Authentication"))}</th><th>{E(T("授权类型", "Grants"))}</th><th>{E(T("回调地址", "Redirect URIs"))}</th><th></th></tr>");
        foreach (var client in await clients.ListAsync(context.RequestAborted))
        {
            html.Append($"<tr><td>{E(client.ClientId)}</td><td>{E(client.DisplayName)}</td><td>{E(client.Active ? T("启用", "active") : T("已停用", "disabled"))}</td>" +
                $"<td>{E(client.AuthenticationMethod)}{(client.Account is null ? "" : " " + E(client.Account))}</td><td>{E(string.Join(", ", client.Grants))}</td><td>{E(string.Join(" ", client.RedirectUris))}</td><td>");
            if (client.Active)
            {
                html.Append($"<form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"token\" value=\"{E(token)}\"><input type=\"hidden\" name=\"action\" value=\"disable\">" +
                    $"<input type=\"hidden\" name=\"client_id\" value=\"{E(client.ClientId)}\"><button>{E(T("停用", "Disable"))}</button></form>");
            }

            html.Append("</td></tr>");
        }

        html.Append("</table>");
        html.Append($"<h2>{E(T("登记业务系统", "Register a business system"))}</h2><form id=\"add\" method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"token\" value=\"{E(token)}\"><input type=\"hidden\" name=\"action\" value=\"add\">");
        html.Append($"<p><label>client_id <input name=\"client_id\" required></label> <label>{E(T("名称", "Name"))} <input name=\"display_name\" required></label></p>");
        html.Append($"<p><label>{E(T("认证方式", "Authentication"))} <select name=\"auth\">{string.Concat(RelyingPartyProperties.AuthenticationMethods.Select(m => $"<option>{m}</option>"))}</select></label> " +
            $"<label>{E(T("业务系统账户（tls_client_auth）", "Business-system account (tls_client_auth)"))} <input name=\"account\" placeholder=\"system:NAME\"></label></p>");
        html.Append($"<p><label><input type=\"checkbox\" name=\"grant\" value=\"{GrantTypes.AuthorizationCode}\" checked> authorization_code</label> <label><input type=\"checkbox\" name=\"grant\" value=\"{GrantTypes.ClientCredentials}\"> client_credentials</label> " +
            $"<label><input type=\"checkbox\" name=\"require_par\"> {E(T("要求 PAR", "PAR required"))}</label> <label><input type=\"checkbox\" name=\"third_party\"> {E(T("第三方（询问同意）", "Third party (ask for consent)"))}</label> " +
            $"<label>{E(T("ID 令牌算法", "ID token algorithm"))} <select name=\"id_token_alg\">{string.Concat(RelyingParties.SigningAlgorithms.Select(a => $"<option>{a}</option>"))}</select></label></p>");
        html.Append($"<p><label>{E(T("回调地址（每行一个，完全匹配）", "Redirect URIs (one per line, exact)"))}<br><textarea name=\"redirect_uris\" rows=\"2\" cols=\"70\"></textarea></label></p>");
        html.Append($"<p><label>{E(T("登出后回调地址", "Post-logout redirect URIs"))}<br><textarea name=\"post_logout_redirect_uris\" rows=\"2\" cols=\"70\"></textarea></label></p>");
        html.Append($"<p><label>{E(T("后端通道登出地址", "Back-channel logout URI"))} <input name=\"backchannel_logout_uri\" size=\"60\"></label></p>");
        html.Append($"<p><label>JWKS (private_key_jwt)<br><textarea name=\"jwks\" rows=\"3\" cols=\"70\"></textarea></label></p>");
        html.Append($"<p><button id=\"register\">{E(T("登记", "Register"))}</button></p></form></main></body></html>");
        return html.ToString();
    }
}
