using System.Security.Cryptography.X509Certificates;
using PkiPlatform.CaCore.Hosting;
using PkiPlatform.ServiceDefaults;
using PkiPlatform.TokenService;
using PkiPlatform.TokenService.Host;

// The token service (time-stamping authority and signing API) as its own host:
//   dotnet PkiPlatform.TokenService.Host.dll --data /var/lib/pki --urls https://0.0.0.0:8318
// (HTTPS through the standard Kestrel:Certificates:Default settings; the data directory gives the
// database and the key store holding the TSA and service keys). Settings in the "Tsa" and "Signing"
// sections. Callers of /api/v1/token authenticate with client certificates issued by this platform.
return await HostProgram.RunAsync("Time-stamping authority", async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    var runtime = await HostProgram.OpenZoneAsync(builder, PkiPlatform.KeyStore.KeyZone.TokenService, migrate: false);
    var options = HostSettings.Bind<TsaOptions>(builder.Configuration, "Tsa");
    var signing = HostSettings.Bind<SigningServiceOptions>(builder.Configuration, "Signing");
    var root = await runtime.Ca.Authorities.GetAsync(PkiPlatform.CaCore.Authorities.AuthorityInitializer.RootName);
    var issuing = await runtime.Ca.Authorities.GetAsync(runtime.Config.Ca.IssuingAuthority);
    X509Certificate2Collection chain = [X509CertificateLoader.LoadCertificate(issuing.Entity.CertificateDer)];
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => PlatformClientCertificates.AcceptAtTls(https, chain)));
    builder.AddServiceDefaults();
    builder.Services.AddTokenService(runtime.Ca, options, signing);
    builder.Services.AddPlatformClientCertificates(runtime.Ca,
        X509CertificateLoader.LoadCertificate(root.Entity.CertificateDer),
        X509CertificateLoader.LoadCertificate(issuing.Entity.CertificateDer), signing.ClientCertificateCacheSeconds);
    var app = builder.Build();
    await app.Services.InitializeTokenServiceAsync();
    app.MapServiceDefaults();
    app.UseWhen(context => !ServiceDefaultsExtensions.IsProtocolPath(context.Request.Path), api =>
    {
        api.UseAuthentication();
        api.UseAuthorization();
    });
    app.MapTokenService();
    await app.RunAsync();
});
