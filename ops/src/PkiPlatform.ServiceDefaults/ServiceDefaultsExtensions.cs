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
                // EF Core logs every SQL command and OpenIddict every step of every request at Information: one request
                // line (with its status) says enough; their warnings and errors still come through.
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("OpenIddict", Serilog.Events.LogEventLevel.Warning)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();
            // The console is written by one background thread from a bounded queue (10,000 events; a full queue makes the
            // caller wait, nothing is dropped): request threads no longer contend for the console's lock, which cost
            // about a tenth of a token request under load. The queue is flushed when the host stops.
            configuration.WriteTo.Async(console =>
            {
                if (json)
                {
                    console.Console(new CompactJsonFormatter());
                }
                else
                {
                    console.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}",
                        formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                }
            }, bufferSize: 10_000, blockWhenFull: true);
        });
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new UtcDateTimeConverter()));
        builder.Services.AddExceptionHandler<PkiExceptionHandler>();
        // The error-code registry: the shared codes here, each component adds its own in its Add…().
        builder.Services.AddPkiErrorCodes(KeyStore.PkiErrorCodes.Catalog).AddPkiErrorCodes(CaCore.CaErrorCodes.Catalog).AddPkiErrorCodes(PkiProblems.Catalog);
        builder.Services.AddHealthChecks();
        // Outermost middleware (before the authentication WebApplication adds by itself): see PlainHttpGate.
        builder.Services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, PlainHttpGate>();
        return builder;
    }

    /// <param name="app">The application.</param>
    /// <param name="machineEndpoints">
    /// Paths systems call thousands of times a second (the identity provider's token and introspection endpoints): their
    /// successful answers are logged at Debug, their refusals and failures as every other request's.
    /// </param>
    public static WebApplication MapServiceDefaults(this WebApplication app, Func<PathString, bool>? machineEndpoints = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Protocol endpoints (OCSP, CRL, CA certificates) answer tens of thousands of requests a second:
        // they are counted in metrics, not logged one by one. The request log sits outside the exception
        // handler, so it records the status the caller got (a 4xx is one line, no stack trace); only a
        // failure of the platform (500) is logged with its exception, once, by PkiExceptionHandler.
        app.UseWhen(context => !IsProtocolPath(context.Request.Path), branch => branch.UseSerilogRequestLogging(options =>
            options.GetLevel = (context, _, exception) =>
                exception is not null || context.Response.StatusCode >= 500 ? Serilog.Events.LogEventLevel.Error
                : context.Response.StatusCode < 400 && machineEndpoints?.Invoke(context.Request.Path) == true ? Serilog.Events.LogEventLevel.Debug
                : Serilog.Events.LogEventLevel.Information));
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

    private sealed partial class PkiExceptionHandler(Microsoft.Extensions.Logging.ILogger<PkiExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var code = PkiProblems.Resolve(context, exception);
            if (code.Status >= StatusCodes.Status500InternalServerError)
            {
                if (exception is KeyStore.PkiException { Code: not KeyStore.PkiErrorCodes.Internal } unregistered
                    && context.RequestServices.GetService<KeyStore.PkiErrorCatalog>()?.Find(unregistered.Code) is null)
                {
                    Unregistered(logger, unregistered.Code);
                }

                Failed(logger, context.TraceIdentifier, exception);
            }

            await PkiProblems.WriteAsync(context, code, exception.Message, exception);
            return true;
        }

        [Microsoft.Extensions.Logging.LoggerMessage(EventId = 1002, Level = Microsoft.Extensions.Logging.LogLevel.Error, Message = "Error code {Code} is registered by no component of this host (AddPkiErrorCodes): answered as an internal error")]
        private static partial void Unregistered(Microsoft.Extensions.Logging.ILogger logger, string code);

        [Microsoft.Extensions.Logging.LoggerMessage(EventId = 1001, Level = Microsoft.Extensions.Logging.LogLevel.Error, Message = "Request {TraceId} failed")]
        private static partial void Failed(Microsoft.Extensions.Logging.ILogger logger, string traceId, Exception exception);
    }
}
