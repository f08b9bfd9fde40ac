using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PkiPlatform.CaCore;
using PkiPlatform.OcspResponder.Host;
using PkiPlatform.ServiceDefaults;

namespace PkiPlatform.OcspResponder.Tests;

/// <summary>A real Kestrel responder on 127.0.0.1 and a free port, over a test CA.</summary>
internal sealed class OcspHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OcspHost(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public string OcspUrl => Url + "/ocsp";

    public OcspResponderService Responder => _app.Services.GetRequiredService<OcspResponderService>();

    public static async Task<OcspHost> StartAsync(CertificateAuthority ca, OcspResponderOptions? options = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOcspResponder(ca, options ?? new OcspResponderOptions { StatusPollSeconds = 1 });
        var app = builder.Build();
        await app.Services.InitializeOcspResponderAsync();
        app.MapServiceDefaults();
        app.MapOcspResponder();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new OcspHost(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
