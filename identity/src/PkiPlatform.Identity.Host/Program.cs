using PkiPlatform.CaCore.Hosting;
using PkiPlatform.Identity.Host;
using PkiPlatform.ServiceDefaults;

// The identity provider as its own host (issue 12), holding only its token-signing keys (zone "identity", labels oidc-…):
//   dotnet PkiPlatform.Identity.Host.dll --data /var/lib/pki --port 8445 --Identity:Issuer https://idp.example/
// HTTPS with the Kestrel:Certificates:Default settings; client certificates are asked for at the TLS handshake.
return await HostProgram.RunAsync("Identity provider", async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    var runtime = await HostProgram.OpenZoneAsync(builder, PkiPlatform.KeyStore.KeyZone.Identity, migrate: false);
    var options = HostSettings.Bind<IdentityProviderOptions>(builder.Configuration, "Identity");
    var port = int.TryParse(builder.Configuration["port"], out var p) ? p : 8445;
    builder.WebHost.ConfigureKestrel(kestrel =>
        kestrel.ListenAnyIP(port, listen => listen.UseHttps(https => PlatformClientCertificates.AcceptAtTls(https))));
    builder.AddServiceDefaults();
    builder.Services.AddIdentityProvider(runtime.Ca, options, port);
    var app = builder.Build();
    await app.Services.InitializeIdentityProviderAsync();
    app.MapServiceDefaults();
    app.UseAuthentication();
    app.UseAuthorization();
    app.MapIdentityProvider();
    await app.RunAsync();
});
