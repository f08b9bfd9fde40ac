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
            var allowed = port == listener.Port ? IdentityListener.IsIdentityPath(path) || path.StartsWithSegments("/health")
                : port == listener.MtlsPort ? IdentityListener.IsMtlsPath(path)
                : !IdentityListener.IsIdentityPath(path);
            if (!allowed)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            if (port == listener.Port)
            {
                // The consent and admin pages act with the browser's ambient client certificate: never inside another
                // site's frame (clickjacking). form-action is not restricted: consent ends in a redirect to the client.
                context.Response.Headers.XFrameOptions = "DENY";
                context.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'; base-uri 'none'";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers["Referrer-Policy"] = "no-referrer";
                context.Response.Headers.StrictTransportSecurity = "max-age=31536000";
            }

            await following(context);
        });
        next(app);
    };
}

/// <summary>
/// The identity listener's port (sign-in and every endpoint) and the mTLS listener's (token, introspection, revocation,
/// PAR and userinfo for clients authenticating by certificate): the provider's paths answer on these only (route by
/// listener, not by Host header).
/// </summary>
public sealed record IdentityListener(int Port, int? MtlsPort = null)
{
    /// <summary>Whether a path belongs to the provider (served on its listener only).</summary>
    public static bool IsIdentityPath(PathString path) => path.StartsWithSegments("/connect") || path.StartsWithSegments("/.well-known");

    /// <summary>What the mTLS listener serves: the endpoints a client calls with its certificate, nothing a browser visits.</summary>
    public static bool IsMtlsPath(PathString path) => MtlsPaths.Any(p => path.Equals(p, StringComparison.Ordinal));

    private static readonly string[] MtlsPaths = ["/connect/token", "/connect/introspect", "/connect/revoke", "/connect/par", "/connect/userinfo"];
}
