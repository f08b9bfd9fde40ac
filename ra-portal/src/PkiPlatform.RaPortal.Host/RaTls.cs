using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace PkiPlatform.RaPortal.Host;

/// <summary>The RA's TLS listener settings, shared by every host that serves it.</summary>
public static class RaTls
{
    /// <summary>
    /// Serves <paramref name="server"/> with its issuing CA, and lets TLS accept any client certificate or
    /// none: the authentication handler validates against the platform's anchors and explains a refusal,
    /// which a failed handshake could not.
    /// </summary>
    public static void Configure(HttpsConnectionAdapterOptions https, X509Certificate2 server, X509Certificate2 issuing)
    {
        https.ServerCertificate = server;
        https.ServerCertificateChain = [issuing];
        ServiceDefaults.PlatformClientCertificates.AcceptAtTls(https);
    }
}
