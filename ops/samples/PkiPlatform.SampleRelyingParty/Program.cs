using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

// A business system signing staff in through the platform's identity provider with ASP.NET Core's own OpenID Connect
// handler (issue 12's sample relying party). Configuration: Oidc:Authority, Oidc:ClientId, Oidc:ClientSecret,
// Oidc:RootCertificate (the platform's root, DATA/publish/ca/root.pem), Urls (default http://127.0.0.1:8400).
// Back-channel logout (register the client with --backchannel-logout-uri http://…/backchannel-logout): the provider POSTs
// a logout token when the staff member's certificate is revoked or the account disabled; the session's cookie then
// stops working. GET /backchannel-logout lists the sessions ended so (for operators and tests).
var builder = WebApplication.CreateBuilder(args);
var endedSessions = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
var oidc = builder.Configuration.GetSection("Oidc");
var root = X509CertificateLoader.LoadCertificateFromFile(oidc["RootCertificate"] ?? throw new InvalidOperationException("set Oidc:RootCertificate to the platform's root.pem"));
builder.Services.AddAuthentication(options =>
    {
        options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
    })
    .AddCookie(cookie => cookie.Events.OnValidatePrincipal = context =>
    {
        if (context.Principal?.FindFirstValue("sid") is { } sid && endedSessions.ContainsKey(sid))
        {
            context.RejectPrincipal();
        }

        return Task.CompletedTask;
    })
    .AddOpenIdConnect(options =>
    {
        options.Authority = oidc["Authority"];
        options.ClientId = oidc["ClientId"];
        options.ClientSecret = oidc["ClientSecret"];
        options.ResponseType = "code";
        options.ResponseMode = "query"; // the code comes back by a top-level GET, so Lax cookies work on plain-HTTP loopback
        options.UsePkce = true;
        options.Scope.Add("profile");
        options.Scope.Add("roles");
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = true;
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        // The provider's TLS certificate chains to the platform's root, which only this relying party is told to trust.
        options.BackchannelHttpHandler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
    });
builder.Services.AddAuthorization();
var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapPost("/backchannel-logout", async (HttpContext context, IOptionsMonitor<OpenIdConnectOptions> monitor) =>
{
    context.Response.Headers.CacheControl = "no-store";
    var form = await context.Request.ReadFormAsync();
    var options = monitor.Get(OpenIdConnectDefaults.AuthenticationScheme);
    var configuration = await options.ConfigurationManager!.GetConfigurationAsync(context.RequestAborted);
    var result = await new JsonWebTokenHandler().ValidateTokenAsync(form["logout_token"].ToString(), new TokenValidationParameters
    {
        ValidIssuer = configuration.Issuer,
        ValidAudience = options.ClientId,
        IssuerSigningKeys = configuration.SigningKeys,
        ValidTypes = ["logout+jwt"],
    });
    // OpenID Connect Back-Channel Logout 1.0 §2.6: the events member names the logout event, and there is no nonce.
    if (!result.IsValid || !result.Claims.TryGetValue("events", out var events) || !events.ToString()!.Contains("http://schemas.openid.net/event/backchannel-logout", StringComparison.Ordinal)
        || result.Claims.ContainsKey("nonce") || !result.Claims.TryGetValue("sid", out var sid))
    {
        return Results.BadRequest();
    }

    if (endedSessions.Count < 10_000)
    {
        endedSessions[sid.ToString()!] = result.Claims.TryGetValue("sub", out var sub) ? sub.ToString()! : "";
    }

    return Results.Ok();
}).DisableAntiforgery();
app.MapGet("/backchannel-logout", () => Results.Ok(endedSessions.Select(e => new { sid = e.Key, sub = e.Value })));
app.MapGet("/", (ClaimsPrincipal user) =>
{
    var rows = string.Concat(user.Claims.Select(c => $"<tr><td>{System.Net.WebUtility.HtmlEncode(c.Type)}</td><td class=\"{System.Net.WebUtility.HtmlEncode(c.Type)}\">{System.Net.WebUtility.HtmlEncode(c.Value)}</td></tr>"));
    return Results.Content($"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>Sample relying party</title></head><body><h1 id=\"who\">{System.Net.WebUtility.HtmlEncode(user.FindFirstValue("name") ?? "")}</h1><table id=\"claims\">{rows}</table></body></html>", "text/html; charset=utf-8");
}).RequireAuthorization();
app.Run();
