using PkiPlatform.CaCore.Hosting;
using PkiPlatform.OcspResponder;
using PkiPlatform.OcspResponder.Host;
using PkiPlatform.ServiceDefaults;

// A stand-alone responder replica: dotnet PkiPlatform.OcspResponder.Host.dll --data /var/lib/pki --urls http://0.0.0.0:8080
// (the data directory gives the database connection and the key store holding the responder keys).
return await HostProgram.RunAsync("OCSP responder", async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    var runtime = await HostProgram.OpenZoneAsync(builder, PkiPlatform.KeyStore.KeyZone.Ocsp, migrate: false);
    var options = HostSettings.Bind<OcspResponderOptions>(builder.Configuration, "Ocsp");
    builder.AddServiceDefaults();
    builder.Services.AddSingleton(runtime);
    builder.Services.AddOcspResponder(runtime.Ca, options);
    var app = builder.Build();
    await app.Services.InitializeOcspResponderAsync();
    app.MapServiceDefaults();
    app.MapOcspResponder();
    await app.RunAsync();
});
