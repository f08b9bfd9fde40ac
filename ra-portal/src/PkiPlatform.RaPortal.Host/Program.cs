using System.Security.Cryptography.X509Certificates;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Hosting;
using PkiPlatform.RaPortal.Host;
using PkiPlatform.ServiceDefaults;

// The RA portal and API as their own host (several may run behind a TCP load balancer). It opens no key
// store and needs no passphrase: approvals are written to the database, and the CA host's worker issues.
//   dotnet PkiPlatform.RaPortal.Host.dll --data /var/lib/pki --port 8443 \
//          [--Ra:CertificatePath portal.p12 --Ra:CertificatePasswordFile portal.pass]
// The TLS certificate defaults to the one `pki up` issued (DATA/ra/portal.p12).
return await HostProgram.RunAsync("RA", async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    var runtime = await HostProgram.OpenZoneAsync(builder, PkiPlatform.KeyStore.KeyZone.Ra, migrate: false);
    var certificatePath = builder.Configuration["Ra:CertificatePath"] ?? runtime.Data.Combine("ra", "portal.p12");
    var passwordPath = builder.Configuration["Ra:CertificatePasswordFile"] ?? runtime.Data.Combine("ra", "portal.pass");
    if (!File.Exists(certificatePath) || !File.Exists(passwordPath))
    {
        throw new PkiPlatform.KeyStore.PkiException(PkiPlatform.KeyStore.PkiErrorCodes.InvalidArgument,
            $"no TLS certificate for the RA: set Ra:CertificatePath and Ra:CertificatePasswordFile (looked for {certificatePath})");
    }

    var portal = X509CertificateLoader.LoadPkcs12FromFile(certificatePath, (await File.ReadAllTextAsync(passwordPath)).Trim());
    var root = X509CertificateLoader.LoadCertificate((await runtime.Ca.Authorities.GetAsync(AuthorityInitializer.RootName)).Entity.CertificateDer);
    var issuing = X509CertificateLoader.LoadCertificate((await runtime.Ca.Authorities.GetAsync(runtime.Config.Ca.IssuingAuthority)).Entity.CertificateDer);
    var port = int.TryParse(builder.Configuration["port"], out var p) ? p : 8443;
    builder.WebHost.ConfigureKestrel(kestrel =>
    {
        kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
        kestrel.ListenAnyIP(port, listen => listen.UseHttps(https => RaTls.Configure(https, portal, issuing)));
    });
    builder.AddServiceDefaults();
    builder.Services.AddRaPortal(runtime.Ca, root, issuing);
    var app = builder.Build();
    app.MapServiceDefaults();
    app.MapRaPortal();
    await app.RunAsync();
});
