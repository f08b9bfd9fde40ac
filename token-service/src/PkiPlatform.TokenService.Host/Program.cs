using PkiPlatform.CaCore.Hosting;
using PkiPlatform.ServiceDefaults;
using PkiPlatform.TokenService;
using PkiPlatform.TokenService.Host;
using Serilog;

// The time-stamping authority as its own host:
//   dotnet PkiPlatform.TokenService.Host.dll --data /var/lib/pki --urls https://0.0.0.0:8318
// (HTTPS through the standard Kestrel:Certificates:Default settings; the data directory gives the
// database and the key store holding the TSA key). Settings in the "Tsa" section.
ServiceDefaultsExtensions.CreateBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(args);
    var data = DataDirectory.FromOption(builder.Configuration["data"]);
    var runtime = await PkiRuntime.OpenAsync(data, data.LoadConfig(), StoredPassphrase.Resolve(data, builder.Configuration["passphrase-file"]), TimeProvider.System, default);
    var options = builder.Configuration.GetSection("Tsa").Get<TsaOptions>() ?? new TsaOptions();
    builder.AddServiceDefaults();
    builder.Services.AddTokenService(runtime.Ca, options);
    var app = builder.Build();
    await app.Services.InitializeTokenServiceAsync();
    app.MapServiceDefaults();
    app.MapTokenService();
    await app.RunAsync();
    return 0;
}
catch (PkiPlatform.KeyStore.PkiException ex)
{
    Log.Fatal("Time-stamping authority did not start: {Reason}", ex.Message);
    return 2;
}
finally
{
    await Log.CloseAndFlushAsync();
}
