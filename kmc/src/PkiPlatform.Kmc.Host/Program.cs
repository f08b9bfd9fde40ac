using PkiPlatform.CaCore.Hosting;
using PkiPlatform.Kmc;
using PkiPlatform.Kmc.Host;
using PkiPlatform.ServiceDefaults;

// The key management centre as its own host (issue 13), holding only the kmc zone's keys (its master key):
//   dotnet PkiPlatform.Kmc.Host.dll --data /var/lib/pki --port 8447 --Database:ConnectionString "…Username=pki_kmc…"
// One HTTPS listener that requires a client certificate at the handshake (DATA/kmc/tls.p12 as its certificate); only
// callers bound to an account of KmcHost:Callers (the CA's, platform:ca) are served. It does not migrate: after an
// upgrade run `pki db migrate` with the owner's connection.
return await HostProgram.RunAsync("KMC host", async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    var runtime = await HostProgram.OpenZoneAsync(builder, PkiPlatform.KeyStore.KeyZone.Kmc, migrate: false);
    var options = HostSettings.Bind<KmcOptions>(builder.Configuration, "Kmc");
    if (options.MasterKeyFile.Length == 0)
    {
        options.MasterKeyFile = KmcOptions.DefaultMasterKeyFile(runtime.Data);
    }

    var hostOptions = HostSettings.Bind<KmcHostOptions>(builder.Configuration, "KmcHost");
    var port = int.TryParse(builder.Configuration["port"], out var p) ? p : 8447;
    var server = KmcCredentials.Load(KmcCredentials.ServerPath(runtime.Data), "the KMC host's TLS certificate");
    var issuing = await runtime.Ca.Authorities.GetAsync(runtime.Config.Ca.IssuingAuthority);
    System.Security.Cryptography.X509Certificates.X509Certificate2Collection chain = [System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(issuing.Entity.CertificateDer)];
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port, listen => listen.UseHttps(https =>
    {
        https.ServerCertificate = server;
        PlatformClientCertificates.RequireAtTls(https, chain);
    })));
    builder.AddServiceDefaults();
    builder.Services.AddSingleton(runtime.Ca);
    builder.Services.AddSingleton(hostOptions);
    builder.Services.AddKeyManagementCentre(runtime.Ca, options);
    var app = builder.Build();
    await app.Services.InitializeKeyManagementCentreAsync(migrate: false);
    app.MapServiceDefaults();
    app.MapKeyManagementCentre();
    await app.RunAsync();
});
