using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace PkiPlatform.ServiceDefaults;

/// <summary>
/// Trust-model item 9: the listener decides, never the Host header. A connection without TLS reaches only what
/// relying parties fetch over plain HTTP (OCSP, CRL, CA certificates) and the health and metrics probes; everything
/// else answers 404 before authentication, routing or any page runs. Registered as a startup filter so that it wraps
/// the whole pipeline.
/// </summary>
internal sealed class PlainHttpGate : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, inner) =>
        {
            if (context.Features.Get<ITlsHandshakeFeature>() is null && !ServiceDefaultsExtensions.IsPlainHttpPath(context.Request.Path))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("not served over plain HTTP; use the platform's HTTPS listener");
                return;
            }

            await inner(context);
        });
        next(app);
    };
}
