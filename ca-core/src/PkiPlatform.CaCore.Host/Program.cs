using PkiPlatform.CaCore.Hosting;
using PkiPlatform.CaCore.Host;
using PkiPlatform.KeyStore;
using PkiPlatform.ServiceDefaults;

// The CA zone as its own process: the only one that opens CA signing keys. It takes work from the database
// (approved RA requests, service-certificate requests of the OCSP and token-service zones), publishes CRLs,
// and listens only on loopback for health and metrics:
//   dotnet PkiPlatform.CaCore.Host.dll --data /var/lib/pki [--health-port 9101]
return await HostProgram.RunAsync("CA host", async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    var runtime = await HostProgram.OpenZoneAsync(builder, KeyZone.Ca, migrate: true);
    var healthPort = int.TryParse(builder.Configuration["health-port"], out var p) ? p : 9101;
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, healthPort));
    builder.AddServiceDefaults();
    builder.Services.AddSingleton(runtime);
    builder.Services.AddCertificateAuthorityZone(runtime.Ca);
    var app = builder.Build();
    app.MapServiceDefaults();
    await app.RunAsync();
});
