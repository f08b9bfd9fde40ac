using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Formatting.Compact;

namespace PkiPlatform.ServiceDefaults;

/// <summary>
/// What every PkiPlatform host shares: Serilog (compact JSON to the console), RFC 9457 problem
/// details with stable error codes, health endpoints. Hosts call <see cref="AddServiceDefaults"/> and
/// <see cref="MapServiceDefaults"/>; components add their own <c>Add…()</c>/<c>Map…()</c>.
/// </summary>
public static partial class ServiceDefaultsExtensions
{
    /// <summary>A console logger for start-up, before configuration is read (Serilog's two-stage init).</summary>
    public static void CreateBootstrapLogger() =>
        Log.Logger = new LoggerConfiguration().WriteTo.Console(new CompactJsonFormatter()).CreateBootstrapLogger();

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        // Issue 10: a person at a terminal reads one compact text line per event; a log pipeline (output redirected, or
        // Logging:Console:Format=json) gets compact JSON with every property. Logging:Console:Format=text forces text.
        var format = builder.Configuration["Logging:Console:Format"];
        var json = format is "json" || (format is not "text" && Console.IsOutputRedirected);
        builder.Services.AddSerilog((services, configuration) =>
        {
            configuration
                // ASP.NET Core's per-request lines would cost more than an OCSP answer; Serilog's own request log replaces them.
                .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();
            if (json)
            {
                configuration.WriteTo.Console(new CompactJsonFormatter());
            }
            else
            {
                configuration.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}",
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<PkiExceptionHandler>();
        builder.Services.AddHealthChecks();
        // Outermost middleware (before the authentication WebApplication adds by itself): see PlainHttpGate.
        builder.Services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, PlainHttpGate>();
        return builder;
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        // Protocol endpoints (OCSP, CRL, CA certificates) answer tens of thousands of requests a second:
        // they are counted in metrics, not logged one by one. The request log sits outside the exception
        // handler, so it records the status the caller got (a 4xx is one line, no stack trace); only a
        // failure of the platform (500) is logged with its exception, once, by PkiExceptionHandler.
        app.UseWhen(context => !IsProtocolPath(context.Request.Path), branch => branch.UseSerilogRequestLogging());
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready");
        return app;
    }

    /// <summary>What plain HTTP serves: an allow-list of the protocol paths relying parties fetch without TLS, and health/metrics.</summary>
    public static bool IsPlainHttpPath(PathString path) =>
        path.StartsWithSegments("/ocsp") || path.StartsWithSegments("/crl") || path.StartsWithSegments("/ca")
        || path.StartsWithSegments("/health/live") || path.StartsWithSegments("/health/ready") || path.StartsWithSegments("/metrics");

    public static bool IsProtocolPath(PathString path) =>
        path.StartsWithSegments("/ocsp") || path.StartsWithSegments("/crl") || path.StartsWithSegments("/ca") || path.StartsWithSegments("/tsa");

    /// <summary>Problem type URI for a stable error code.</summary>
    public static string ProblemType(string code) => $"https://pki.hrss.example/problems/{code}";

    public static int StatusFor(string code) => code switch
    {
        "profile.audience" => StatusCodes.Status403Forbidden,
        _ when code.EndsWith("not_found", StringComparison.Ordinal) || code is "ca.unknown_serial" or "profile.unknown" => StatusCodes.Status404NotFound,
        _ when code.StartsWith("csr.", StringComparison.Ordinal) || code.StartsWith("profile.", StringComparison.Ordinal) || code.StartsWith("argument.", StringComparison.Ordinal) => StatusCodes.Status400BadRequest,
        "ca.already_revoked" or "ca.not_on_hold" or "ca.already_initialised" or "keystore.key_exists"
            or "ra.not_pending" or "ra.own_request" or "ra.already_decided" => StatusCodes.Status409Conflict,
        "ra.forbidden" or "token.key_forbidden" => StatusCodes.Status403Forbidden,
        "ca.subject_reserved" or "account.exists" => StatusCodes.Status409Conflict,
        "account.unknown" => StatusCodes.Status404NotFound,
        "cms.too_large" => StatusCodes.Status413PayloadTooLarge,
        "cms.not_recipient" => StatusCodes.Status422UnprocessableEntity,
        _ when code.StartsWith("cms.", StringComparison.Ordinal) => StatusCodes.Status400BadRequest,
        "ra.unknown_request" => StatusCodes.Status404NotFound,
        "ra.invalid_application" => StatusCodes.Status400BadRequest,
        "lint.failed" => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status500InternalServerError,
    };

    private sealed partial class PkiExceptionHandler(IProblemDetailsService problems, Microsoft.Extensions.Logging.ILogger<PkiExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var error = exception as KeyStore.PkiException;
            var status = error is null ? StatusCodes.Status500InternalServerError : StatusFor(error.Code);
            if (status == StatusCodes.Status500InternalServerError)
            {
                Failed(logger, context.TraceIdentifier, exception);
            }

            context.Response.StatusCode = status;
            var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = status,
                // Internal failures get a generic message; the detail stays in the log with the trace id.
                Title = status == 500 ? "Internal error" : "Request refused",
                Detail = status == 500 ? "The service failed; quote the trace id to the operators." : error!.Message,
                Type = ProblemType(error?.Code ?? "internal"),
            };
            problem.Extensions["code"] = error?.Code ?? "internal";
            problem.Extensions["traceId"] = context.TraceIdentifier;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
        }

        [Microsoft.Extensions.Logging.LoggerMessage(EventId = 1001, Level = Microsoft.Extensions.Logging.LogLevel.Error, Message = "Request {TraceId} failed")]
        private static partial void Failed(Microsoft.Extensions.Logging.ILogger logger, string traceId, Exception exception);
    }
}
