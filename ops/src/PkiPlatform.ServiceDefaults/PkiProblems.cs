using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.KeyStore;

namespace PkiPlatform.ServiceDefaults;

/// <summary>
/// The one problem writer (RFC 9457) of every host: exceptions, refused client certificates and missing roles all
/// leave through <see cref="WriteAsync"/>, with the status the code declared in the registry, a stable <c>code</c>
/// and the trace id. Components register their codes with <see cref="AddPkiErrorCodes"/>.
/// </summary>
public static class PkiProblems
{
    /// <summary>No usable client certificate: none, not issued here, expired, revoked, or bound to no account.</summary>
    public static readonly PkiErrorCode ClientCertificate = new("auth.client_certificate", StatusCodes.Status401Unauthorized);

    /// <summary>Authenticated, but the account lacks the role the endpoint needs (the detail names it).</summary>
    public static readonly PkiErrorCode RoleMissing = new("auth.role_missing", StatusCodes.Status403Forbidden);

    /// <summary>Not a code anyone throws: what an unexpected exception, or an unregistered code, becomes.</summary>
    public static readonly PkiErrorCode Internal = new(PkiErrorCodes.Internal, StatusCodes.Status500InternalServerError);

    public static readonly IReadOnlyList<PkiErrorCode> Catalog = [ClientCertificate, RoleMissing];

    /// <summary>Adds a component's codes to the host's registry (created on first use, one per service collection).</summary>
    public static IServiceCollection AddPkiErrorCodes(this IServiceCollection services, IEnumerable<PkiErrorCode> codes)
    {
        ArgumentNullException.ThrowIfNull(services);
        var catalog = services.LastOrDefault(d => d.ServiceType == typeof(PkiErrorCatalog))?.ImplementationInstance as PkiErrorCatalog;
        if (catalog is null)
        {
            catalog = new PkiErrorCatalog();
            services.AddSingleton(catalog);
        }

        catalog.Register(codes);
        return services;
    }

    /// <summary>The registered code of an exception; anything else (or a code no component registered) is internal.</summary>
    public static PkiErrorCode Resolve(HttpContext context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        return exception is PkiException error && context.RequestServices.GetService<PkiErrorCatalog>()?.Find(error.Code) is { } code ? code : Internal;
    }

    /// <summary>Writes the problem for <paramref name="code"/>; a 500 never carries the detail (it stays in the log with the trace id).</summary>
    public static async Task WriteAsync(HttpContext context, PkiErrorCode code, string detail, Exception? exception = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(code);
        context.Response.StatusCode = code.Status;
        var failed = code.Status >= StatusCodes.Status500InternalServerError;
        var problem = new ProblemDetails
        {
            Status = code.Status,
            Title = code.Status switch
            {
                StatusCodes.Status401Unauthorized => "Client certificate refused",
                StatusCodes.Status403Forbidden => "Not allowed",
                >= 500 => "Internal error",
                _ => "Request refused",
            },
            Detail = failed ? "The service failed; quote the trace id to the operators." : detail,
            Type = ServiceDefaultsExtensions.ProblemType(code.Code),
        };
        problem.Extensions["code"] = code.Code;
        problem.Extensions["traceId"] = context.TraceIdentifier;
        var problems = context.RequestServices.GetService<IProblemDetailsService>();
        if (problems is null || !await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception }))
        {
            await context.Response.WriteAsJsonAsync(problem, options: (System.Text.Json.JsonSerializerOptions?)null, contentType: "application/problem+json");
        }
    }
}
