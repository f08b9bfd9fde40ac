using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Accounts;

namespace PkiPlatform.TokenService.Host;

/// <summary>
/// Client-certificate authentication for the token service when it runs as its own host (in <c>pki up</c> the
/// RA registers the same scheme): chain to the platform's root only, then the CA's records (<see cref="CaCore.Accounts.AccountDirectory.AuthenticateAsync"/>).
/// </summary>
public static class TokenServiceAuthentication
{
    private const string FailureKey = "pki.client-certificate.failure";

    /// <param name="services">The services.</param>
    /// <param name="ca">The CA whose records decide a certificate's status.</param>
    /// <param name="root">The platform's root.</param>
    /// <param name="issuing">The issuing CA.</param>
    /// <param name="cacheSeconds">
    /// How long an authentication result is reused for the same certificate (0: never). Chain building and the
    /// status look-up cost more than a verification; a cache trades that for a revocation taking effect up to this late.
    /// </param>
    public static IServiceCollection AddTokenServiceClientCertificates(this IServiceCollection services, CertificateAuthority ca, X509Certificate2 root, X509Certificate2 issuing,
        int cacheSeconds = 0)
    {
        var builder = services.AddAuthentication(CertificateAuthenticationDefaults.AuthenticationScheme)
            .AddCertificate(options =>
            {
                PkiPlatform.ServiceDefaults.PlatformClientCertificates.Trust(options, root, issuing);
                options.Events = new CertificateAuthenticationEvents
                {
                    OnCertificateValidated = async context =>
                    {
                        var (credential, refusal) = await ca.Accounts.AuthenticateAsync(context.ClientCertificate.RawData, context.HttpContext.RequestAborted);
                        if (credential is null)
                        {
                            context.HttpContext.Items[FailureKey] = refusal;
                            context.Fail(refusal!);
                            return;
                        }

                        context.Principal = PlatformPrincipal.Create(credential, context.Scheme.Name);
                        context.Success();
                    },
                    OnAuthenticationFailed = context =>
                    {
                        context.HttpContext.Items[FailureKey] ??= $"the client certificate was refused: {context.Exception.Message}";
                        return Task.CompletedTask;
                    },
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        await context.Response.WriteAsJsonAsync(new
                        {
                            type = PkiPlatform.ServiceDefaults.ServiceDefaultsExtensions.ProblemType("token.client_certificate"),
                            title = "Client certificate required",
                            status = 401,
                            detail = context.HttpContext.Items[FailureKey] as string ?? "present a client certificate issued by this platform (TLS client authentication)",
                        }, options: null, contentType: "application/problem+json");
                    },
                };
            });
        if (cacheSeconds > 0)
        {
            builder.AddCertificateCache(cache => cache.CacheEntryExpiration = TimeSpan.FromSeconds(cacheSeconds));
        }

        services.AddAuthorization();
        return services;
    }
}
