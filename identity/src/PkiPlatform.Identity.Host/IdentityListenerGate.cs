using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace PkiPlatform.Identity.Host;

/// <summary>
/// Outermost middleware: the provider's paths answer only on the identity listener, and that listener serves nothing
/// else (so the certificate prompt of its TLS handshake belongs to the sign-in alone). Decided by the connection's
/// local port, never by the Host header.
/// </summary>
internal sealed class IdentityListenerGate(IdentityListener listener) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            var onListener = context.Connection.LocalPort == listener.Port;
            var identityPath = IdentityProviderEndpoints.IsIdentityPath(context.Request.Path);
            if (onListener != identityPath && !(onListener && context.Request.Path.StartsWithSegments("/health")))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await following(context);
        });
        next(app);
    };
}
