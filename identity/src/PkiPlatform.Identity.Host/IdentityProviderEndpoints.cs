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

    /// <summary>The login session (OpenID Connect Front/Back-Channel Logout <c>sid</c>), in ID and access tokens.</summary>
    private const string SessionClaim = "sid";

    private const string ClientAssertionType = "urn:openiddict:params:oauth:token-type:client_assertion";

    private static readonly string[] AssertionAudiencePaths = ["connect/token", "connect/par", "connect/introspect", "connect/revoke"];

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
        services.AddScoped(sp => new RememberedConsents(sp.GetRequiredService<IOpenIddictAuthorizationManager>(), sp.GetRequiredService<IOpenIddictApplicationManager>(),
            ca, TimeSpan.FromDays(options.RememberConsentDays)));
        services.AddSingleton(listener);
        services.AddSingleton(options);
        services.AddSingleton(sp => new LoginSessions(sp.GetRequiredService<IServiceScopeFactory>(), ca));
        services.AddSingleton(new ConsentTokens(ca.Clock));
        services.AddHostedService(sp => new BackChannelLogoutService(sp.GetRequiredService<LoginSessions>(), sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<OpenIddict.Server.OpenIddictServerOptions>>(), options, ca.Clock,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<BackChannelLogoutService>>()));
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, IdentityListenerGate>();
        var credentials = SigningCredentialsOf(ca);
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
                // Newest ES256 key first: it signs by default; the older ones stay in the JWKS until tokens they signed have
                // expired. A client registered for PS256 gets its ID and access tokens signed by the newest RSA key.
                foreach (var credential in credentials)
                {
                    server.AddSigningCredentials(credential);
                }

                // Client-credentials access tokens are self-contained (a system's short-lived token, no person, no session):
                // no token row is written for them, so issuing one costs a signature, not a database commit. They cannot
                // be revoked (RFC 7009 lets a server decline) and introspection judges them by signature and expiry.
                // ID tokens neither: they are statements to the relying party, never credentials at this provider (logout's
                // id_token_hint is checked by signature and names the session, which is what ends), so a sign-in writes
                // one row fewer.
                server.AddEventHandler<OpenIddict.Server.OpenIddictServerEvents.GenerateTokenContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        if ((context.TokenType == TokenTypeIdentifiers.AccessToken && context.Transaction.Request?.IsClientCredentialsGrantType() == true)
                            || context.TokenType == TokenTypeIdentifiers.IdentityToken)
                        {
                            context.CreateTokenEntry = false;
                        }

                        return default;
                    })
                    .SetOrder(OpenIddict.Server.OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 400));

                var ps256 = credentials.First(c => c.Algorithm == SecurityAlgorithms.RsaSsaPssSha256);
                server.AddEventHandler<OpenIddict.Server.OpenIddictServerEvents.GenerateTokenContext>(handler => handler
                    .UseInlineHandler(async context =>
                    {
                        if (context.TokenType is TokenTypeIdentifiers.IdentityToken or TokenTypeIdentifiers.AccessToken && context.ClientId is { } clientId
                            && context.Transaction.GetHttpRequest()?.HttpContext.RequestServices.GetService<IOpenIddictApplicationManager>() is { } applications
                            && await applications.FindByClientIdAsync(clientId) is { } application
                            && (await applications.GetPropertiesAsync(application)).TryGetValue(RelyingPartyProperties.SigningAlgorithm, out var alg)
                            && alg.ValueKind == System.Text.Json.JsonValueKind.String && alg.GetString() == SecurityAlgorithms.RsaSsaPssSha256)
                        {
                            context.SigningCredentials = ps256;
                        }
                    })
                    .SetOrder(OpenIddict.Server.OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 500));

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

                // private_key_jwt: OpenIddict 7 accepts only assertions typed client-authentication+jwt whose aud is the
                // issuer (the draft rfc7523bis); RFC 7523 / OpenID Connect Core §9 clients (authlib, most libraries) send
                // typ "JWT" (or none) and the token endpoint's URL as aud. Those are accepted too, with this provider's own
                // endpoint URLs as the only other audiences; the signature (the client's registered key) and lifetime
                // checks stay.
                var audiences = AssertionAudiencePaths.Select(path => new Uri(new Uri(options.Issuer), path).AbsoluteUri).ToList();
                server.AddEventHandler<OpenIddict.Server.OpenIddictServerEvents.ValidateTokenContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        if (context.ValidTokenTypes.Count == 1 && context.ValidTokenTypes.Contains(ClientAssertionType) && context.TokenValidationParameters.TypeValidator is { } typed)
                        {
                            context.TokenValidationParameters.TypeValidator = (type, token, parameters) =>
                                typed(type is null or "" or "JWT" ? "client-authentication+jwt" : type, token, parameters);
                            context.ValidAudiences.UnionWith(audiences);
                        }

                        return default;
                    })
                    .SetOrder(OpenIddict.Server.OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 500));

                // Discovery says what OpenID Connect Back-Channel Logout 1.0 §2.1 lets relying parties rely on.
                server.AddEventHandler<OpenIddict.Server.OpenIddictServerEvents.HandleConfigurationRequestContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        context.Metadata["backchannel_logout_supported"] = true;
                        context.Metadata["backchannel_logout_session_supported"] = true;
                        return default;
                    }));

                // Codes and refresh tokens are encrypted for the server itself only; restarting invalidates them (evaluation).
                // AES-256 (A256KW): unwrapping a code costs no RSA private-key operation. Kept across restarts wrapped by
                // the key store when a file is configured (pki up, the host), else new per process.
                server.AddEncryptionKey(new SymmetricSecurityKey(options.EncryptionKeyFile.Length > 0
                    ? TokenEncryptionKey.LoadOrCreate(ca, options.EncryptionKeyFile)
                    : System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
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
    /// <param name="migrate">
    /// True where the process holds the owner's connection (pki up); the identity host, with the identity zone's role,
    /// only checks the tables are current and says which command migrates them.
    /// </param>
    public static Task InitializeIdentityProviderAsync(this IServiceProvider services, bool migrate, CancellationToken cancellationToken = default) =>
        migrate ? IdentityStore.MigrateAsync(services, cancellationToken) : IdentityStore.EnsureCurrentAsync(services, cancellationToken);

    /// <summary>
    /// The identity zone's token-signing credentials, newest first per algorithm: ES256 (ECDSA P-256; the default, first)
    /// and PS256 (RSA 3072, for clients registered with --id-token-alg PS256). The first start generates one of each in
    /// the key store; older keys stay in the JWKS and verify what they signed.
    /// </summary>
    private static List<SigningCredentials> SigningCredentialsOf(CertificateAuthority ca)
    {
        List<string> Labels(KeyAlgorithm algorithm) => [.. ca.Keys.List().Where(k => k.Label.StartsWith(SigningKeyPrefix, StringComparison.Ordinal) && k.Algorithm == algorithm)
            .Select(k => k.Label).OrderDescending(StringComparer.Ordinal)];
        var ec = Labels(KeyAlgorithm.EcP256);
        if (ec.Count == 0)
        {
            ec.Add(GenerateSigningKey(ca));
        }

        var rsa = Labels(KeyAlgorithm.Rsa3072);
        if (rsa.Count == 0)
        {
            rsa.Add(GenerateSigningKey(ca, KeyAlgorithm.Rsa3072));
        }

        return
        [
            .. ec.Select(label => new SigningCredentials(new ECDsaSecurityKey(new KeyStoreECDsa(ca.Keys.GetSigner(label))) { KeyId = label }, SecurityAlgorithms.EcdsaSha256)),
            .. rsa.Select(label => new SigningCredentials(new RsaSecurityKey(new KeyStoreRSA(ca.Keys.GetSigner(label))) { KeyId = label }, SecurityAlgorithms.RsaSsaPssSha256)),
        ];
    }

    /// <summary>A new token-signing key in the identity zone (ES256 by default, RSA 3072 for PS256), labelled by the CA's clock (first start, <c>pki oidc rotate-key</c>).</summary>
    public static string GenerateSigningKey(CertificateAuthority ca, KeyAlgorithm algorithm = KeyAlgorithm.EcP256)
    {
        ArgumentNullException.ThrowIfNull(ca);
        if (algorithm is not (KeyAlgorithm.EcP256 or KeyAlgorithm.Rsa3072))
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, "token-signing keys are ECDSA P-256 (ES256) or RSA 3072 (PS256)");
        }

        var label = SigningKeyPrefix + (algorithm == KeyAlgorithm.Rsa3072 ? "rsa-" : "") + ca.Clock.GetUtcNow().ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        ca.Keys.Generate(label, algorithm);
        return label;
    }

    public static WebApplication MapIdentityProvider(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // OpenIddict answers its endpoints as an authentication request handler. On the provider's paths only that runs:
        // not the general authentication middleware, whose default scheme in pki up is the RA's client-certificate
        // authentication (chain and CA records on every token request; clients and staff are judged by
        // SystemClientAuthenticator and StaffAuthenticator instead). Marked as composed, so WebApplication adds no
        // authentication middleware of its own at the head of the pipeline.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        app.UseWhen(context => IdentityListener.IsIdentityPath(context.Request.Path), identity => identity.Use(async (context, next) =>
        {
            var schemes = context.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>();
            var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
            foreach (var scheme in await schemes.GetRequestHandlerSchemesAsync())
            {
                if (await handlers.GetHandlerAsync(context, scheme.Name) is IAuthenticationRequestHandler handler && await handler.HandleRequestAsync())
                {
                    return;
                }
            }

            await next(context);
        }));
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (Delegate)AuthorizeAsync);
        app.MapPost("/connect/token", (Delegate)TokenAsync);
        app.MapMethods("/connect/userinfo", [HttpMethods.Get, HttpMethods.Post], (Delegate)UserInfoAsync);
        // RP-initiated logout: OpenIddict checks id_token_hint and post_logout_redirect_uri against the client's registration.
        app.MapMethods("/connect/logout", [HttpMethods.Get, HttpMethods.Post], (Delegate)LogoutAsync);
        app.MapRelyingPartyAdmin();
        app.MapStaffConsents();
        return app;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, StaffAuthenticator staff, LoginSessions sessions, ConsentTokens consents, RememberedConsents remembered,
        IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, IdentityProviderOptions options)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        var certificate = context.Connection.ClientCertificate ?? await context.Connection.GetClientCertificateAsync(context.RequestAborted);
        var (login, refusal) = await staff.AuthenticateAsync(certificate?.RawData, context.RequestAborted);
        if (login is null)
        {
            // Nothing is issued; the person reads what to do (an error page, never a redirect with a half-made answer).
            return Results.Content(IdentityPages.LoginRefused(context, refusal!), "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted)
            ?? throw new InvalidOperationException("OpenIddict validated the client");
        var scopes = request.GetScopes();
        var applicationId = (await applications.GetIdAsync(application, context.RequestAborted))!;
        // Consent only for relying parties not run by the platform's operator (registered --third-party): the staff member
        // sees who asks for what, unless they allowed this application these scopes before and asked to be remembered
        // (prompt=consent asks again); the answer is bound to this request and this certificate (no cross-site forgery).
        if (await applications.HasConsentTypeAsync(application, ConsentTypes.Explicit, context.RequestAborted)
            && (request.HasPromptValue(PromptValues.Consent) || !await remembered.CoversAsync(login.Subject, applicationId, scopes, context.RequestAborted)))
        {
            var binding = ConsentTokens.Binding(request, login.CertificateId);
            var answer = HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
            if (!(answer?["consent_token"] is { Count: 1 } token && consents.Verify(token[0]!, binding)))
            {
                if (request.HasPromptValue(PromptValues.None))
                {
                    return Refuse(Errors.ConsentRequired, "the staff member has not allowed this application; send them through the consent page (no prompt=none)");
                }

                return Results.Content(IdentityPages.Consent(context, request, await applications.GetDisplayNameAsync(application, context.RequestAborted) ?? request.ClientId!, login,
                    consents.Issue(binding), remembered.Lifetime > TimeSpan.Zero), "text/html; charset=utf-8");
            }

            if (answer["decision"] != "accept")
            {
                return Refuse(Errors.AccessDenied, "the staff member declined to share their data with this application");
            }

            if (answer["remember"] == "on" && remembered.Lifetime > TimeSpan.Zero)
            {
                await remembered.RememberAsync(login.Subject, applicationId, request.ClientId!, scopes, context.RequestAborted);
            }
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
        identity.SetScopes(scopes);
        // One authorization and one session per sign-in: ending the session (revocation, hold, expiry, disabled account,
        // RP logout) revokes exactly this sign-in's codes and tokens and tells this relying party.
        var authorization = await authorizations.CreateAsync(identity, login.Subject, applicationId,
            AuthorizationTypes.AdHoc, scopes, context.RequestAborted);
        var authorizationId = (await authorizations.GetIdAsync(authorization, context.RequestAborted))!;
        identity.SetAuthorizationId(authorizationId);
        var sid = await sessions.StartAsync(login.Subject, login.CertificateId, request.ClientId!, authorizationId, TimeSpan.FromSeconds(options.RefreshTokenSeconds), context.RequestAborted);
        identity.SetClaim(SessionClaim, sid);
        identity.SetDestinations(Destinations);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>RP-initiated logout: OpenIddict checked id_token_hint and post_logout_redirect_uri; the hinted session ends.</summary>
    private static async Task<IResult> LogoutAsync(HttpContext context, LoginSessions sessions)
    {
        var hint = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (hint?.GetClaim(SessionClaim) is { } sid && (hint.GetAudiences().FirstOrDefault() ?? hint.GetPresenters().FirstOrDefault()) is { } client)
        {
            await sessions.EndByRelyingPartyAsync(sid, client, context.RequestAborted);
        }

        return Results.SignOut(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static async Task<IResult> TokenAsync(HttpContext context, StaffAuthenticator staff, LoginSessions sessions)
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

            if ((await staff.RefusalAsync(subject, certificateId, context.RequestAborted) ?? await sessions.RefusalAsync(principal.GetClaim(SessionClaim), context.RequestAborted)) is { } refusal)
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
            Claims.Subject or Claims.AuthenticationContextReference or Claims.AuthenticationMethodReference or SessionClaim =>
                [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
            Claims.Name or "staff_id" or "organisation" or "department" when scopes.Contains(Scopes.Profile) =>
                [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
            Claims.Role when scopes.Contains(Scopes.Roles) => [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
            CertificateClaim => [],
            _ => [OpenIddictConstants.Destinations.AccessToken],
        };
    }
}
