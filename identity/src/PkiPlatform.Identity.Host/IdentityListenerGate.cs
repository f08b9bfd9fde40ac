using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace PkiPlatform.Identity.Host;

/// <summary>
/// Outermost middleware: the provider's paths answer only on the identity listener, and that listener serves nothing
/// else (so the certificate prompt of its TLS handshake belongs to the sign-in alone); the mTLS listener serves only the
/// endpoints clients call with their certificate (an allow-list). Decided by the connection's local port, never by the
/// Host header.
/// </summary>
internal sealed class IdentityListenerGate(IdentityListener listener) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            var path = context.Request.Path;
            var port = context.Connection.LocalPort;
            var allowed = port == listener.Port ? IdentityProviderEndpoints.IsIdentityPath(path) || path.StartsWithSegments("/health")
                : port == listener.MtlsPort ? IdentityProviderEndpoints.IsMtlsPath(path)
                : !IdentityProviderEndpoints.IsIdentityPath(path);
            if (!allowed)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await following(context);
        });
        next(app);
    };
}
