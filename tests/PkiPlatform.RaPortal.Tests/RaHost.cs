using PkiPlatform.CaCore.Host;
using PkiPlatform.CaCore.Issuance;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PkiPlatform.RaPortal.Host;
using PkiPlatform.ServiceDefaults;
using PkiPlatform.TestKit;

namespace PkiPlatform.RaPortal.Tests;

/// <summary>The RA API on real Kestrel over TLS, on 127.0.0.1 and a free port, with a server certificate from the test PKI.</summary>
internal sealed class RaHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RaHost(WebApplication app, string url, X509Certificate2 root, X509Certificate2 issuing)
    {
        _app = app;
        Url = url;
        Root = root;
        Issuing = issuing;
    }

    public string Url { get; }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Issuing { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RaHost> StartAsync(TestPki pki)
    {
        var server = await pki.PlatformTlsAsync();
        var serverCertificate = Load(server);
        var root = X509CertificateLoader.LoadCertificate(pki.RootDer);
        var issuing = X509CertificateLoader.LoadCertificate(pki.IssuingDer);

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https => RaTls.Configure(https, serverCertificate, issuing))));
        builder.AddServiceDefaults();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // As pki up composes them: the RA (no key) and the CA zone's worker, which issues what officers approve.
        builder.Services.AddCertificateAuthorityZone(pki.Ca.InZone(PkiPlatform.KeyStore.KeyZone.Ca));
        builder.Services.AddRaPortal(pki.Ca, root, issuing);
        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapRaPortal();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RaHost(app, address, root, issuing);
    }

    /// <summary>An HTTPS client that trusts only the platform root and presents <paramref name="clientCertificate"/>, if any.</summary>
    public HttpClient Client(X509Certificate2? clientCertificate) => PlatformHttps.Client(Url, Root, Issuing, clientCertificate);

    public static X509Certificate2 Load(TestLeaf leaf) => PlatformHttps.Load(leaf);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
