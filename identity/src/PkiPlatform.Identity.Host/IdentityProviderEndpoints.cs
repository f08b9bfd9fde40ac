using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using PkiPlatform.CaCore;
using PkiPlatform.KeyStore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PkiPlatform.Identity.Host;

/// <summary>
/// <c>AddIdentityProvider()</c> / <c>MapIdentityProvider()</c> (issue 12): an OpenID Connect provider on OpenIddict whose
/// only login is the staff member's USB-key certificate. Authorization code with PKCE (S256 only), refresh tokens,
/// client credentials; ID and access tokens signed ES256 with a key held in the key store (the identity zone's
/// <c>oidc-</c> keys). It serves only on its own listener: requests for its paths on any other port get 404.
/// </summary>
public static class IdentityProviderEndpoints
{
    public const string SigningKeyPrefix = "oidc-signing-";

    /// <summary>The login certificate's record id: kept in codes and refresh tokens only (no destination), checked on every use.</summary>
    private const string CertificateClaim = "pki_certificate";

    /// <param name="ca">The identity zone's view of the CA (its records and the <c>oidc-</c> keys only).</param>
    /// <param name="options">Validated settings.</param>
    /// <param name="listener">The identity listener's port (the only one its paths answer on) and the mTLS listener's, if any.</param>
    /// <param name="anchors">The platform's root and issuing CA certificates: <c>tls_client_auth</c> certificates chain to them.</param>
    public static IServiceCollection AddIdentityProvider(this IServiceCollection services, CertificateAuthority ca, IdentityProviderOptions options, IdentityListener listener,
        System.Security.Cryptography.X509Certificates.X509Certificate2Collection anchors)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(listener);
        services.AddIdentityStore(ca.Database);
        services.AddSingleton(new StaffAuthenticator(ca));
        services.AddSingleton(new SystemClientAuthenticator(ca));
        services.AddScoped(sp => new RelyingParties(sp.GetRequiredService<IOpenIddictApplicationManager>(), ca));
        services.AddSingleton(listener);
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, IdentityListenerGate>();
        var keys = SigningKeys(ca);
        services.AddOpenIddict()
            .AddServer(server =>
            {
                server.SetIssuer(new Uri(options.Issuer));
                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetPushedAuthorizationEndpointUris("connect/par")
                    .SetEndSessionEndpointUris("connect/logout");
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
                server.RequireProofKeyForCodeExchange();
                // S256 only: "plain" PKCE protects nothing against a stolen authorization request (RFC 7636 §7.2).
                server.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess);
                server.RegisterClaims(Claims.Subject, Claims.Name, Claims.Role, "staff_id", "organisation", "department", "acr", "amr");
                server.SetAccessTokenLifetime(TimeSpan.FromSeconds(options.AccessTokenSeconds))
                    .SetIdentityTokenLifetime(TimeSpan.FromSeconds(options.IdentityTokenSeconds))
                    .SetRefreshTokenLifetime(TimeSpan.FromSeconds(options.RefreshTokenSeconds));
                // Newest key first: it signs; the older ones stay in the JWKS until tokens they signed have expired.
                foreach (var key in keys)
                {
                    server.AddSigningKey(key);
                }

                if (listener.MtlsPort is { } mtlsPort)
                {
                    // RFC 8705: tls_client_auth and certificate-bound access tokens on a listener that requires a client
                    // certificate at the handshake; the endpoints answer there under the same paths (mtls_endpoint_aliases).
                    var mtls = new UriBuilder(options.Issuer) { Port = mtlsPort }.Uri;
                    server.EnablePublicKeyInfrastructureTlsClientAuthentication(anchors)
                        .UseClientCertificateBoundAccessTokens()
                        .SetMtlsTokenEndpointAliasUri(new Uri(mtls, "connect/token"))
                        .SetMtlsIntrospectionEndpointAliasUri(new Uri(mtls, "connect/introspect"))
                        .SetMtlsRevocationEndpointAliasUri(new Uri(mtls, "connect/revoke"))
                        .SetMtlsPushedAuthorizationEndpointAliasUri(new Uri(mtls, "connect/par"))
                        .SetMtlsUserInfoEndpointAliasUri(new Uri(mtls, "connect/userinfo"));
                    server.Configure(o => o.ClientAuthenticationMethods.Add(ClientAuthenticationMethods.TlsClientAuth));
                }

                // A certificate counts (client authentication, token binding, proof of possession) only on the mTLS
                // listener: on the login listener it is the staff member's, presented for the sign-in alone.
                server.AddEventHandler<OpenIddict.Server.OpenIddictServerEvents.ProcessAuthenticationContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        if (context.Transaction.GetHttpRequest()?.HttpContext.Connection.LocalPort != listener.MtlsPort)
                        {
                            context.Transaction.RemoteCertificate = null;
                        }

                        return default;
                    })
                    .SetOrder(int.MinValue + 100_000));

                // Codes and refresh tokens are encrypted for the server itself only; restarting invalidates them (evaluation).
                server.AddEphemeralEncryptionKey();
                server.DisableAccessTokenEncryption();
                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
            });
        return services;
    }

    /// <summary>Migrates the identity tables.</summary>
    public static Task InitializeIdentityProviderAsync(this IServiceProvider services, CancellationToken cancellationToken = default) =>
        IdentityStore.MigrateAsync(services, cancellationToken);

    /// <summary>The identity zone's signing keys, newest first; the first start generates one (ECDSA P-256, in the key store).</summary>
    private static List<SecurityKey> SigningKeys(CertificateAuthority ca)
    {
        var labels = ca.Keys.List().Where(k => k.Label.StartsWith(SigningKeyPrefix, StringComparison.Ordinal)).Select(k => k.Label).OrderDescending(StringComparer.Ordinal).ToList();
        if (labels.Count == 0)
        {
            labels.Add(GenerateSigningKey(ca));
        }

        return labels.Select(label => (SecurityKey)new ECDsaSecurityKey(new KeyStoreECDsa(ca.Keys.GetSigner(label))) { KeyId = label }).ToList();
    }

    /// <summary>A new ES256 token-signing key in the identity zone, labelled by the CA's clock (first start, <c>pki oidc rotate-key</c>).</summary>
    public static string GenerateSigningKey(CertificateAuthority ca)
    {
        ArgumentNullException.ThrowIfNull(ca);
        var label = SigningKeyPrefix + ca.Clock.GetUtcNow().ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        ca.Keys.Generate(label, KeyAlgorithm.EcP256);
        return label;
    }

    public static WebApplication MapIdentityProvider(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (Delegate)AuthorizeAsync);
        app.MapPost("/connect/token", (Delegate)TokenAsync);
        app.MapMethods("/connect/userinfo", [HttpMethods.Get, HttpMethods.Post], (Delegate)UserInfoAsync);
        // RP-initiated logout: OpenIddict checks id_token_hint and post_logout_redirect_uri against the client's registration.
        app.MapMethods("/connect/logout", [HttpMethods.Get, HttpMethods.Post], (Delegate)(() =>
            Results.SignOut(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme])));
        return app;
    }

    /// <summary>Whether a path belongs to the provider (served on its listener only).</summary>
    public static bool IsIdentityPath(PathString path) => path.StartsWithSegments("/connect") || path.StartsWithSegments("/.well-known");

    /// <summary>What the mTLS listener serves: the endpoints a client calls with its certificate, nothing a browser visits.</summary>
    public static bool IsMtlsPath(PathString path) => MtlsPaths.Any(p => path.Equals(p, StringComparison.Ordinal));

    private static readonly string[] MtlsPaths = ["/connect/token", "/connect/introspect", "/connect/revoke", "/connect/par", "/connect/userinfo"];

    private static async Task<IResult> AuthorizeAsync(HttpContext context, StaffAuthenticator staff)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        var certificate = context.Connection.ClientCertificate ?? await context.Connection.GetClientCertificateAsync(context.RequestAborted);
        var (login, refusal) = await staff.AuthenticateAsync(certificate?.RawData, context.RequestAborted);
        if (login is null)
        {
            // Nothing is issued; the person reads what to do (an error page, never a redirect with a half-made answer).
            return Results.Content(LoginRefusedPage(context, refusal!), "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, login.Subject)
            .SetClaim(Claims.Name, login.Name)
            .SetClaim("staff_id", login.StaffId)
            .SetClaim("organisation", login.Organisation)
            .SetClaim("department", login.Department)
            .SetClaim(Claims.AuthenticationContextReference, IdentityAssurance.UsbKeyCertificate)
            .SetClaim(CertificateClaim, login.CertificateId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .SetClaims(Claims.Role, [.. login.Roles])
            .SetClaims(Claims.AuthenticationMethodReference, [.. IdentityAssurance.Methods]);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(Destinations);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(HttpContext context, StaffAuthenticator staff)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var principal = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
            var subject = principal?.GetClaim(Claims.Subject);
            var certificateId = long.TryParse(principal?.GetClaim(CertificateClaim), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : (long?)null;
            if (principal is null || subject is null)
            {
                return Refuse(Errors.InvalidGrant, "the grant carries no staff member; sign in again");
            }

            if (await staff.RefusalAsync(subject, certificateId, context.RequestAborted) is { } refusal)
            {
                return Refuse(Errors.InvalidGrant, refusal);
            }

            principal.SetDestinations(Destinations);
            return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsClientCredentialsGrantType())
        {
            // The client authenticated (OpenIddict checked its credentials); the token speaks for the system itself.
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, request.ClientId!).SetClaim(Claims.Name, request.ClientId!);
            identity.SetScopes(request.GetScopes());
            identity.SetDestinations(_ => [OpenIddictConstants.Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Refuse(Errors.UnsupportedGrantType, "grant types: authorization_code (with PKCE S256), refresh_token, client_credentials");
    }

    private static async Task<IResult> UserInfoAsync(HttpContext context)
    {
        var principal = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (principal?.GetClaim(Claims.Subject) is not { } subject)
        {
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = subject };
        if (principal.HasScope(Scopes.Profile))
        {
            foreach (var name in new[] { Claims.Name, "staff_id", "organisation", "department" })
            {
                if (principal.GetClaim(name) is { } value)
                {
                    claims[name] = value;
                }
            }
        }

        if (principal.HasScope(Scopes.Roles))
        {
            claims[Claims.Role] = principal.GetClaims(Claims.Role);
        }

        return Results.Ok(claims);
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>Profile claims go into the ID token only with the profile scope, roles with the roles scope; acr/amr always.</summary>
    private static IEnumerable<string> Destinations(Claim claim)
    {
        var scopes = claim.Subject?.GetScopes() ?? [];
        return claim.Type switch
        {
            Claims.Subject or Claims.AuthenticationContextReference or Claims.AuthenticationMethodReference =>
                [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
            Claims.Name or "staff_id" or "organisation" or "department" when scopes.Contains(Scopes.Profile) =>
                [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
            Claims.Role when scopes.Contains(Scopes.Roles) => [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
            CertificateClaim => [],
            _ => [OpenIddictConstants.Destinations.AccessToken],
        };
    }

    private static string LoginRefusedPage(HttpContext context, string reason)
    {
        var english = context.Request.Cookies["lang"] == "en" || context.Request.Query["ui_locales"].ToString().StartsWith("en", StringComparison.Ordinal);
        var title = english ? "Sign-in refused" : "无法登录";
        var what = english
            ? "Nothing was issued to the application. Insert the USB key with your valid staff login certificate and try again; if the certificate was revoked, is on hold or expired, contact the registration authority."
            : "未向业务系统签发任何凭证。请插入存有有效员工登录证书的 USB Key 后重试；如证书已吊销、冻结或过期，请联系注册机构。";
        string E(string value) => System.Net.WebUtility.HtmlEncode(value);
        return $"<!DOCTYPE html><html lang=\"{(english ? "en" : "zh-CN")}\"><head><meta charset=\"utf-8\"><title>{E(title)}</title></head>" +
            $"<body><main><h1 id=\"error-title\">{E(title)}</h1><p id=\"what\">{E(what)}</p><p id=\"reason\">{E(reason)}</p></main></body></html>";
    }
}

/// <summary>
/// The identity listener's port (sign-in and every endpoint) and the mTLS listener's (token, introspection, revocation,
/// PAR and userinfo for clients authenticating by certificate): the provider's paths answer on these only (route by
/// listener, not by Host header).
/// </summary>
public sealed record IdentityListener(int Port, int? MtlsPort = null);
