using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

// A business system signing staff in through the platform's identity provider with ASP.NET Core's own OpenID Connect
// handler (issue 12's sample relying party). Configuration: Oidc:Authority, Oidc:ClientId, Oidc:ClientSecret,
// Oidc:RootCertificate (the platform's root, DATA/publish/ca/root.pem), Urls (default http://127.0.0.1:8400).
var builder = WebApplication.CreateBuilder(args);
var oidc = builder.Configuration.GetSection("Oidc");
var root = X509CertificateLoader.LoadCertificateFromFile(oidc["RootCertificate"] ?? throw new InvalidOperationException("set Oidc:RootCertificate to the platform's root.pem"));
builder.Services.AddAuthentication(options =>
    {
        options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
    })
    .AddCookie()
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
app.MapGet("/", (ClaimsPrincipal user) =>
{
    var rows = string.Concat(user.Claims.Select(c => $"<tr><td>{System.Net.WebUtility.HtmlEncode(c.Type)}</td><td class=\"{System.Net.WebUtility.HtmlEncode(c.Type)}\">{System.Net.WebUtility.HtmlEncode(c.Value)}</td></tr>"));
    return Results.Content($"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>Sample relying party</title></head><body><h1 id=\"who\">{System.Net.WebUtility.HtmlEncode(user.FindFirstValue("name") ?? "")}</h1><table id=\"claims\">{rows}</table></body></html>", "text/html; charset=utf-8");
}).RequireAuthorization();
app.Run();
