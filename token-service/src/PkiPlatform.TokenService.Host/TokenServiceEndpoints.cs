using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PkiPlatform.CaCore;

namespace PkiPlatform.TokenService.Host;

/// <summary>
/// <c>AddTokenService()</c> / <c>MapTokenService()</c>: the RFC 3161 endpoint (application/timestamp-query in,
/// application/timestamp-reply out; every refusal is a TimeStampResp with failure bits) and the signing
/// service API (<see cref="TokenApiEndpoints"/>; needs client-certificate authentication registered by the host).
/// </summary>
public static class TokenServiceEndpoints
{
    public const string QueryType = "application/timestamp-query";
    public const string ReplyType = "application/timestamp-reply";

    public static IServiceCollection AddTokenService(this IServiceCollection services, CertificateAuthority ca, TsaOptions options, SigningServiceOptions? signing = null)
    {
        signing ??= new SigningServiceOptions();
        // The composition root passes the token-service zone's view (issue 10: only the TSA key and business systems'
        // service keys; their certificates then come from the CA zone's queue). Tests may pass the operator's view.
        services.AddSingleton(signing);
        ServiceDefaults.PkiProblems.AddPkiErrorCodes(services, TokenErrorCodes.Catalog);
        // OCSP and CRL fetches for verification: short timeouts, no redirects to elsewhere, bounded answers.
        services.AddSingleton(sp => new TokenVerification(ca, signing,
            new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = TimeSpan.FromSeconds(signing.RevocationFetchSeconds),
                MaxResponseContentBufferSize = 64 * 1024 * 1024,
            }, sp.GetRequiredService<TimeProvider>(), sp.GetService<Microsoft.Extensions.Logging.ILogger<Validation.RevocationChecker>>()));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(sp => new TimeStampAuthority(ca, options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ServiceKeys(ca, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Cms.CmsSignatureCreator(ca, sp.GetRequiredService<ServiceKeys>(), sp.GetRequiredService<TimeStampAuthority>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Cms.CmsEnvelopeOpener(ca, sp.GetRequiredService<ServiceKeys>()));
        return services;
    }

    /// <summary>Issues or loads the TSA certificate; call before serving.</summary>
    public static async Task InitializeTokenServiceAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await services.GetRequiredService<TimeStampAuthority>().InitializeAsync(cancellationToken);
        await services.GetRequiredService<TokenVerification>().InitializeAsync(cancellationToken);
    }

    /// <param name="endpoints">The routes.</param>
    /// <remarks>Where the process also serves plain HTTP, MapServiceDefaults keeps /tsa and the API off that listener (by connection, not Host header).</remarks>
    public static IEndpointRouteBuilder MapTokenService(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/tsa", TimestampAsync);
        endpoints.MapTokenApi();
        return endpoints;
    }

    private static async Task TimestampAsync(HttpContext context, TimeStampAuthority tsa, TsaOptions options)
    {
        byte[] reply;
        if (!string.Equals(context.Request.ContentType, QueryType, StringComparison.OrdinalIgnoreCase) || context.Request.ContentLength > options.MaxRequestBytes)
        {
            reply = await tsa.RespondAsync(ReadOnlyMemory<byte>.Empty, Requester(context), context.RequestAborted);
        }
        else
        {
            var buffer = ArrayPool<byte>.Shared.Rent(options.MaxRequestBytes + 1);
            try
            {
                var length = 0;
                int read;
                while (length <= options.MaxRequestBytes && (read = await context.Request.Body.ReadAsync(buffer.AsMemory(length, options.MaxRequestBytes + 1 - length), context.RequestAborted)) > 0)
                {
                    length += read;
                }

                reply = await tsa.RespondAsync(length > options.MaxRequestBytes ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, length), Requester(context), context.RequestAborted);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        context.Response.ContentType = ReplyType;
        context.Response.ContentLength = reply.Length;
        await context.Response.Body.WriteAsync(reply, context.RequestAborted);
    }

    private static string Requester(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name! : context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
