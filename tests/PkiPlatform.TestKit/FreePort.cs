using System.Net.Sockets;

namespace PkiPlatform.TestKit;

/// <summary>A TCP port on 127.0.0.1 that nothing listens on now (for hosts whose URL must be known before they start).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
