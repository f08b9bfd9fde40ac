using PkiPlatform.CaCore.Hosting;
using PkiPlatform.CaCore.Host;
using PkiPlatform.KeyStore;
using PkiPlatform.ServiceDefaults;

// The CA zone as its own process: the only one that opens CA signing keys. It takes work from the database
// (approved RA requests, service-certificate requests of the OCSP and token-service zones), publishes CRLs,
// and listens only on loopback for health and metrics:
//   dotnet PkiPlatform.CaCore.Host.dll --data /var/lib/pki [--health-port 9101] [--Kmc:Url https://kmc:8447/]
return await HostProgram.RunAsync("CA host", async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    var runtime = await HostProgram.OpenZoneAsync(builder, KeyZone.Ca, migrate: true);
    var healthPort = int.TryParse(builder.Configuration["health-port"], out var p) ? p : 9101;
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, healthPort));
    builder.AddServiceDefaults();
    builder.Services.AddSingleton(runtime);
    // Dual-certificate profiles: the key management centre as its own host, over mutual TLS (Kmc:Url; the CA's client
    // credential DATA/ca/kmc-client.p12). Without it this host refuses dual profiles, naming the missing KMC.
    if (builder.Configuration["Kmc:Url"] is { Length: > 0 } kmcUrl)
    {
        if (!Uri.TryCreate(kmcUrl, UriKind.Absolute, out var kmcUri))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"Kmc:Url '{kmcUrl}' is not an absolute URL; use e.g. https://kmc.example:8447/");
        }

        var client = KmcCredentials.Load(KmcCredentials.CaClientPath(runtime.Data), "the CA's client certificate for the KMC");
        var root = await runtime.Ca.Authorities.GetAsync(PkiPlatform.CaCore.Authorities.AuthorityInitializer.RootName);
        var issuing = await runtime.Ca.Authorities.GetAsync(runtime.Config.Ca.IssuingAuthority);
        builder.Services.AddSingleton<PkiPlatform.CaCore.Issuance.IEncryptionKeySource>(new RemoteKeyManagementCentre(runtime.Ca, kmcUri, client,
            System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(root.Entity.CertificateDer),
            System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(issuing.Entity.CertificateDer)));
    }

    builder.Services.AddCertificateAuthorityZone(runtime.Ca);
    var app = builder.Build();
    app.MapServiceDefaults();
    await app.RunAsync();
});
