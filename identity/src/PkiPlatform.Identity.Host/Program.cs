using PkiPlatform.CaCore.Hosting;
using PkiPlatform.Identity.Host;
using PkiPlatform.ServiceDefaults;

// The identity provider as its own host (issue 12), holding only its token-signing keys (zone "identity", labels oidc-…):
//   dotnet PkiPlatform.Identity.Host.dll --data /var/lib/pki --port 8445 --mtls-port 8446 --Identity:Issuer https://idp.example/
// HTTPS with the Kestrel:Certificates:Default settings; client certificates are asked for at the TLS handshake (and
// required on the mTLS port, where clients authenticate with tls_client_auth).
return await HostProgram.RunAsync("Identity provider", async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    var runtime = await HostProgram.OpenZoneAsync(builder, PkiPlatform.KeyStore.KeyZone.Identity, migrate: false);
    var options = HostSettings.Bind<IdentityProviderOptions>(builder.Configuration, "Identity");
    if (options.EncryptionKeyFile.Length == 0)
    {
        options.EncryptionKeyFile = runtime.Data.Combine("identity", "token-encryption.key");
    }

    var port = int.TryParse(builder.Configuration["port"], out var p) ? p : 8445;
    var mtlsPort = int.TryParse(builder.Configuration["mtls-port"], out var m) ? m : 8446;
    var root = await runtime.Ca.Authorities.GetAsync(PkiPlatform.CaCore.Authorities.AuthorityInitializer.RootName);
    var issuing = await runtime.Ca.Authorities.GetAsync(runtime.Config.Ca.IssuingAuthority);
    System.Security.Cryptography.X509Certificates.X509Certificate2Collection chain = [System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(issuing.Entity.CertificateDer)];
    builder.WebHost.ConfigureKestrel(kestrel =>
    {
        kestrel.ListenAnyIP(port, listen => listen.UseHttps(https => PlatformClientCertificates.AcceptAtTls(https, chain)));
        kestrel.ListenAnyIP(mtlsPort, listen => listen.UseHttps(https => PlatformClientCertificates.RequireAtTls(https, chain)));
    });
    builder.AddServiceDefaults();
    builder.Services.AddIdentityProvider(runtime.Ca, options, new IdentityListener(port, mtlsPort),
        [System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(root.Entity.CertificateDer),
         System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(issuing.Entity.CertificateDer)]);
    var app = builder.Build();
    await app.Services.InitializeIdentityProviderAsync(migrate: false);
    app.MapServiceDefaults(machineEndpoints: IdentityListener.IsMtlsPath);
    // As in pki up: OpenIddict's server handler answers its endpoints itself; the pages authenticate by the login
    // certificate (StaffAuthenticator), so no authentication or authorization middleware is composed.
    app.MapIdentityProvider();
    await app.RunAsync();
});
