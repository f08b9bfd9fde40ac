using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PkiPlatform.CaCore;

namespace PkiPlatform.OcspResponder.Host;

/// <summary>
/// <c>AddOcspResponder()</c> / <c>MapOcspResponder()</c>: the responder (POST and GET, RFC 6960
/// Appendix A), CRLs at the CDP URLs, CA certificates at the AIA caIssuers URLs, and metrics. Every
/// OCSP answer, refusals included, is an application/ocsp-response.
/// </summary>
public static class OcspResponderEndpoints
{
    public const string OcspRequestType = "application/ocsp-request";
    public const string OcspResponseType = "application/ocsp-response";

    public static IServiceCollection AddOcspResponder(this IServiceCollection services, CertificateAuthority ca, OcspResponderOptions options)
    {
        options.Validate();
        // The composition root passes the OCSP zone's view of the CA (issue 10: only delegated responder keys; responder
        // certificates then come from the CA zone's queue). Tests may pass the operator's view and issue directly.
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<OcspMetrics>();
        services.AddSingleton(sp => new OcspResponderService(ca, options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<OcspMetrics>()));
        services.AddSingleton(sp => new DistributionStore(ca, sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<ResponderRefreshService>();
        services.AddHealthChecks().AddCheck<StatusSourceHealthCheck>("ocsp-status-source");
        return services;
    }

    /// <summary>Provisions responder certificates and loads the issuers; call before serving.</summary>
    public static Task InitializeOcspResponderAsync(this IServiceProvider services, CancellationToken cancellationToken = default) =>
        services.GetRequiredService<OcspResponderService>().InitializeAsync(cancellationToken);

    public static IEndpointRouteBuilder MapOcspResponder(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/ocsp", PostAsync);
        endpoints.MapGet("/ocsp/{**request}", GetAsync);
        endpoints.MapGet("/crl/{file}", CrlAsync);
        endpoints.MapGet("/ca/{file}", CaCertificateAsync);
        endpoints.MapGet("/metrics", (OcspResponderService responder) =>
            Results.Text(responder.Metrics.ToPrometheus(responder.CachedResponses), "text/plain; version=0.0.4"));
        return endpoints;
    }

    private static async Task PostAsync(HttpContext context, OcspResponderService responder)
    {
        var limit = responder.Options.MaxRequestBytes;
        if (!string.Equals(context.Request.ContentType, OcspRequestType, StringComparison.OrdinalIgnoreCase) ||
            context.Request.ContentLength > limit)
        {
            await WriteAsync(context, responder, await responder.RespondAsync(ReadOnlyMemory<byte>.Empty, null), cacheHeaders: false);
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= limit && (read = await context.Request.Body.ReadAsync(buffer.AsMemory(length, limit + 1 - length), context.RequestAborted)) > 0)
            {
                length += read;
            }

            // Over the limit: answered without reading the rest (an empty request is malformed).
            var body = length > limit ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, length);
            var key = length > limit || length == 0 ? null : Convert.ToBase64String(buffer, 0, length);
            await WriteAsync(context, responder, await responder.RespondAsync(body, key), cacheHeaders: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task GetAsync(HttpContext context, OcspResponderService responder)
    {
        // The raw target keeps the client's URL encoding, so identical requests share one cache key.
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var start = raw.IndexOf("/ocsp/", StringComparison.Ordinal);
        var encoded = start < 0 ? "" : raw[(start + 6)..];
        if (encoded.Length > responder.Options.MaxRequestBytes * 2)
        {
            await WriteAsync(context, responder, await responder.RespondAsync(ReadOnlyMemory<byte>.Empty, null), cacheHeaders: false);
            return;
        }

        if (responder.TryAnswerFromCache(encoded, out var cached))
        {
            await WriteAsync(context, responder, cached, cacheHeaders: true);
            return;
        }

        byte[] der;
        try
        {
            der = Convert.FromBase64String(Uri.UnescapeDataString(encoded));
        }
        catch (FormatException)
        {
            der = [];
        }

        await WriteAsync(context, responder, await responder.RespondAsync(der, der.Length == 0 ? null : encoded), cacheHeaders: true);
    }

    private static Task WriteAsync(HttpContext context, OcspResponderService responder, OcspAnswer answer, bool cacheHeaders)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = OcspResponseType;
        response.ContentLength = answer.Der.Length;
        if (cacheHeaders && answer.Cacheable is { } snapshot)
        {
            // RFC 5019 §6.2: let HTTP caches keep the answer until nextUpdate.
            var headers = response.Headers;
            headers.CacheControl = snapshot.CacheControl(responder.UtcNow);
            headers.ETag = snapshot.ETag;
            headers.LastModified = snapshot.LastModified;
            headers.Expires = snapshot.Expires;
        }
        else
        {
            response.Headers.CacheControl = "no-cache";
        }

        return response.Body.WriteAsync(answer.Der).AsTask();
    }

    private static async Task<IResult> CrlAsync(string file, DistributionStore store, CancellationToken cancellationToken) =>
        await store.CrlAsync(file, cancellationToken) is { } der
            ? Results.Bytes(der, "application/pkix-crl")
            : Results.NotFound();

    private static async Task<IResult> CaCertificateAsync(string file, DistributionStore store, CancellationToken cancellationToken) =>
        await store.CertificateAsync(file, cancellationToken) is { } der
            ? Results.Bytes(der, "application/pkix-cert")
            : Results.NotFound();

    private sealed class StatusSourceHealthCheck(OcspResponderService responder) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(responder.StatusSourceHealthy
                ? HealthCheckResult.Healthy($"cache hit ratio {responder.Metrics.CacheHitRatio:P1}")
                : HealthCheckResult.Degraded("status database unreachable: serving cached responses until nextUpdate"));
    }
}
