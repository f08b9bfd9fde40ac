using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Revocation;

namespace PkiPlatform.TokenService.Host;

/// <summary>
/// Client-certificate authentication for the token service when it runs as its own host (in <c>pki up</c> the
/// RA registers the same scheme): chain to the platform's root only, then the CA's records (<see cref="PlatformCredentialCheck"/>).
/// </summary>
public static class TokenServiceAuthentication
{
    private const string FailureKey = "pki.client-certificate.failure";

    public static IServiceCollection AddTokenServiceClientCertificates(this IServiceCollection services, CertificateAuthority ca, X509Certificate2 root, X509Certificate2 issuing)
    {
        services.AddAuthentication(CertificateAuthenticationDefaults.AuthenticationScheme)
            .AddCertificate(options =>
            {
                PkiPlatform.ServiceDefaults.PlatformClientCertificates.Trust(options, root, issuing);
                options.Events = new CertificateAuthenticationEvents
                {
                    OnCertificateValidated = async context =>
                    {
                        var (identity, refusal) = await PlatformCredentialCheck.CheckAsync(ca, context.ClientCertificate.RawData, context.HttpContext.RequestAborted);
                        if (identity is null)
                        {
                            context.HttpContext.Items[FailureKey] = refusal;
                            context.Fail(refusal!);
                            return;
                        }

                        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(
                            [new Claim(ClaimTypes.NameIdentifier, identity), new Claim(ClaimTypes.Name, identity)], context.Scheme.Name));
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
        services.AddAuthorization();
        return services;
    }
}
