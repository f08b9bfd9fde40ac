using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using PkiPlatform.RaPortal;
using PkiPlatform.RaPortal.Host;
using PkiPlatform.TokenService;
using PkiPlatform.TokenService.Host;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Host;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.KeyStore;
using PkiPlatform.CaCore.Hosting;
using PkiPlatform.OcspResponder;
using PkiPlatform.OcspResponder.Host;
using PkiPlatform.Identity.Host;
using PkiPlatform.ServiceDefaults;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki up</c>: the platform in one process over the data directory (initialised on first run): the CA zone
/// (issuance worker, CRL schedule, audit checkpoints), the RA portal and API, the token service (TSA, signing API)
/// and the OCSP responder with CRL and CA-certificate distribution, each composed with its own key zone.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = "Listen address of the OCSP/CRL/AIA endpoints (default: scheme, host and port of ca.ocspUrl in pki.json)" };
        var raPort = new Option<int>("--ra-port") { Description = "HTTPS port of the RA API (client certificates) on 127.0.0.1", DefaultValueFactory = _ => 8443 };
        var idpPort = new Option<int>("--idp-port") { Description = "HTTPS port of the identity provider (OpenID Connect; staff sign in with the USB-key certificate) on 127.0.0.1", DefaultValueFactory = _ => 8445 };
        var idpMtlsPort = new Option<int>("--idp-mtls-port") { Description = "HTTPS port of the identity provider's mTLS endpoints (tls_client_auth, certificate-bound tokens; RFC 8705) on 127.0.0.1", DefaultValueFactory = _ => 8446 };
        var command = new Command("up", "Run the platform: RA portal, API and CA worker, time-stamping, OCSP responder, CRL and CA certificate distribution, identity provider") { urls, raPort, idpPort, idpMtlsPort };
        command.SetRun(async (result, cancellationToken) =>
        {
            var data = CliOptions.DataOf(result);
            if (!data.IsInitialised)
            {
                var config = new PkiConfig();
                var generated = await InitCommand.InitializeAsync(data, config, new AuthoritySetup(), result.GetValue(CliOptions.PassphraseFile), CliOptions.ActorOf(result, "pki-up:init"), cancellationToken);
                InitCommand.Report(data, config, new AuthoritySetup(), generated);
                Console.WriteLine();
            }

            var configured = data.LoadConfig(null).Ca.OcspUrl;
            var ocspUrl = new Uri(configured);
            var listen = result.GetValue(urls) ?? $"{ocspUrl.Scheme}://{ocspUrl.Host}:{ocspUrl.Port}";
            var listenUri = Uri.TryCreate(listen, UriKind.Absolute, out var parsedListen) && parsedListen.Scheme == "http" ? parsedListen
                : throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.InvalidArgument, $"--urls '{listen}' must be an http:// URL with host and port, e.g. http://127.0.0.1:8080");
            if (listenUri.Port != ocspUrl.Port || !string.Equals(listenUri.Host, ocspUrl.Host, StringComparison.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine($"warning: --urls {listen} is not where the certificates point relying parties ({configured}, and the CRL/AIA URLs beside it): " +
                    $"they will not reach this listener. Listen on {ocspUrl.Scheme}://{ocspUrl.Host}:{ocspUrl.Port}, or initialise the data directory with pki init --base-url {listenUri.Scheme}://{listenUri.Host}:{listenUri.Port}");
            }

            // Issue 11: one pki up per data directory; a second says so in one line (the lock is released when the process ends).
            using var instanceLock = InstanceLock.Acquire(data);
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);

            var root = await runtime.Ca.Authorities.GetAsync(AuthorityInitializer.RootName, cancellationToken);
            var issuing = await runtime.Ca.Authorities.GetAsync(runtime.Config.Ca.IssuingAuthority, cancellationToken);
            using var rootCertificate = X509CertificateLoader.LoadCertificate(root.Entity.CertificateDer);
            using var issuingCertificate = X509CertificateLoader.LoadCertificate(issuing.Entity.CertificateDer);
            var (portal, credentials) = await RaBootstrap.EnsureAsync(runtime, cancellationToken);
            var ra = $"https://127.0.0.1:{result.GetValue(raPort)}";
            var idp = $"https://127.0.0.1:{result.GetValue(idpPort)}";

            // No configuration reload watch: the content root is the data directory, where every SQLite commit
            // (evidence, audit) wakes a FileSystemWatcher for nothing (seen in stack samples; no throughput change measured).
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"], ContentRootPath = data.Path });
            var plain = new Uri(listen);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
                // Plain HTTP only for the protocol endpoints relying parties fetch (OCSP, CRL, AIA).
                if (System.Net.IPAddress.TryParse(plain.Host, out var address))
                {
                    kestrel.Listen(address, plain.Port);
                }
                else
                {
                    kestrel.ListenLocalhost(plain.Port);
                }

                kestrel.Listen(System.Net.IPAddress.Loopback, result.GetValue(raPort), endpoint => endpoint.UseHttps(https => RaTls.Configure(https, portal, issuingCertificate)));
                // The identity provider's own listener (issue 12): its TLS handshake asks for the USB-key certificate.
                kestrel.Listen(System.Net.IPAddress.Loopback, result.GetValue(idpPort), endpoint => endpoint.UseHttps(https => RaTls.Configure(https, portal, issuingCertificate)));
                // Its mTLS endpoints (RFC 8705 mtls_endpoint_aliases): no handshake without a client certificate.
                kestrel.Listen(System.Net.IPAddress.Loopback, result.GetValue(idpMtlsPort), endpoint => endpoint.UseHttps(https =>
                {
                    RaTls.Configure(https, portal, issuingCertificate);
                    PlatformClientCertificates.RequireAtTls(https);
                }));
            });
            // The same settings the stand-alone hosts read: sections Ocsp, Tsa and Signing of pki.json, overridable by
            // environment variables (Ocsp__MaxCacheBytes=…) and --Section:Key=value arguments.
            HostSettings.AddPkiJson(builder.Configuration, data.ConfigFile);
            builder.Configuration.AddEnvironmentVariables();
            var ocspOptions = HostSettings.Bind<OcspResponderOptions>(builder.Configuration, "Ocsp");
            var tsaOptions = HostSettings.Bind<TsaOptions>(builder.Configuration, "Tsa");
            var signingOptions = HostSettings.Bind<SigningServiceOptions>(builder.Configuration, "Signing");
            var identityOptions = HostSettings.Bind<PkiPlatform.Identity.Host.IdentityProviderOptions>(builder.Configuration, "Identity");
            builder.AddServiceDefaults();
            // One process, four zones (issue 10): each component gets the CA as its zone sees it, so the RA holds no key,
            // the OCSP responder only its responder keys, the token service only the TSA and service keys; only the CA
            // zone's worker signs certificates and CRLs, also those the other zones ask for through the queue.
            var caZone = runtime.Ca.InZone(KeyZone.Ca);
            builder.Services.AddCertificateAuthorityZone(caZone);
            builder.Services.AddOcspResponder(runtime.Ca.InZone(KeyZone.Ocsp), ocspOptions);
            builder.Services.AddRaPortal(runtime.Ca.InZone(KeyZone.Ra), rootCertificate, issuingCertificate);
            builder.Services.AddTokenService(runtime.Ca.InZone(KeyZone.TokenService), tsaOptions, signingOptions);
            if (builder.Configuration["Identity:Issuer"] is null)
            {
                identityOptions.Issuer = idp + "/";
            }

            if (identityOptions.EncryptionKeyFile.Length == 0)
            {
                identityOptions.EncryptionKeyFile = data.Combine("identity", "token-encryption.key");
            }

            builder.Services.AddIdentityProvider(runtime.Ca.InZone(KeyZone.Identity), identityOptions, new IdentityListener(result.GetValue(idpPort), result.GetValue(idpMtlsPort)),
                [X509CertificateLoader.LoadCertificate(root.Entity.CertificateDer), X509CertificateLoader.LoadCertificate(issuing.Entity.CertificateDer)]);
            // Issue 13: the key management centre, its own zone (only its master wrapping key), offered to the CA worker.
            var kmcOptions = HostSettings.Bind<PkiPlatform.Kmc.KmcOptions>(builder.Configuration, "Kmc");
            if (kmcOptions.MasterKeyFile.Length == 0)
            {
                kmcOptions.MasterKeyFile = PkiPlatform.Kmc.KmcOptions.DefaultMasterKeyFile(data);
            }

            PkiPlatform.Kmc.Host.KmcHostExtensions.AddKeyManagementCentre(builder.Services, runtime.Ca.InZone(KeyZone.Kmc), kmcOptions);
            builder.Services.AddHostedService(sp => new AuditCheckpointService(caZone, AuditCommand.CheckpointDirectory(data), TimeProvider.System,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<AuditCheckpointService>>(), sp.GetRequiredService<TimeStampAuthority>()));
            await using var app = builder.Build();
            // Before anything listens, the CA zone serves the OCSP and token-service zones' certificate requests.
            await IssuanceWorker.ServeWhileAsync(caZone, async () =>
            {
                await app.Services.InitializeOcspResponderAsync(cancellationToken);
                await app.Services.InitializeTokenServiceAsync(cancellationToken);
                await app.Services.InitializeIdentityProviderAsync(migrate: true, cancellationToken);
                await PkiPlatform.Kmc.Host.KmcHostExtensions.InitializeKeyManagementCentreAsync(app.Services, migrate: true, cancellationToken);
            }, cancellationToken);
            app.MapServiceDefaults(machineEndpoints: PkiPlatform.Identity.Host.IdentityListener.IsMtlsPath);
            app.MapOcspResponder();
            app.MapRaPortal(servedElsewhere: PkiPlatform.Identity.Host.IdentityListener.IsIdentityPath);
            app.MapTokenService();
            app.MapIdentityProvider();
            await app.StartAsync(cancellationToken);
            // First run: a demo relying party of the identity provider (authorization code + PKCE, client_secret_basic), and
            // the demo business system as a client-credentials client authenticating with its certificate (tls_client_auth).
            string? demoClientSecret = null;
            const string DemoRedirect = "http://127.0.0.1:8400/signin-oidc";
            const string DemoSystemClient = "demo-system";
            var demoSystem = credentials.FirstOrDefault(c => c.Role == RaBootstrap.SystemRole);
            if (credentials.Count > 0)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var clients = scope.ServiceProvider.GetRequiredService<PkiPlatform.Identity.RelyingParties>();
                demoClientSecret = await clients.AddAsync(new PkiPlatform.Identity.RelyingPartyRegistration("demo-rp", "Demo relying party",
                    [OpenIddict.Abstractions.OpenIddictConstants.GrantTypes.AuthorizationCode], [DemoRedirect],
                    PostLogoutRedirectUris: ["http://127.0.0.1:8400/signout-callback-oidc"], BackChannelLogoutUri: "http://127.0.0.1:8400/backchannel-logout"), "pki-up:bootstrap", cancellationToken);
                if (demoSystem is not null)
                {
                    await clients.AddAsync(new PkiPlatform.Identity.RelyingPartyRegistration(DemoSystemClient, "Demo business system",
                        [OpenIddict.Abstractions.OpenIddictConstants.GrantTypes.ClientCredentials], [], PkiPlatform.Identity.RelyingPartyProperties.TlsClientAuth, demoSystem.Identity),
                        "pki-up:bootstrap", cancellationToken);
                }
            }

            var serviceKeys = new List<string>();
            var demoSignKey = "KEY";
            foreach (var system in credentials.Where(c => c.Role == RaBootstrap.SystemRole))
            {
                var keys = app.Services.GetRequiredService<ServiceKeys>();
                var sign = await keys.CreateAsync(system.Identity, ServiceKeyUsage.Sign, KeyStore.KeyAlgorithm.EcP256,
                    new Org.BouncyCastle.Asn1.X509.X509Name("CN=Demo Business System Signing,O=HRSS PKI"), 365, "pki-up:bootstrap", cancellationToken);
                var decrypt = await keys.CreateAsync(system.Identity, ServiceKeyUsage.Decrypt, KeyStore.KeyAlgorithm.Rsa2048,
                    new Org.BouncyCastle.Asn1.X509.X509Name("CN=Demo Business System Encryption,O=HRSS PKI"), 365, "pki-up:bootstrap", cancellationToken);
                serviceKeys.Add($"{sign.KeyLabel} (sign), {decrypt.KeyLabel} (decrypt)");
                demoSignKey = sign.KeyLabel;
            }

            var ca = runtime.Config.Ca;
            Console.WriteLine($"PkiPlatform is up (data: {data.Path}), listening on {listen} and {ra}");
            Console.WriteLine($"  RA portal:        {ra}/Apply (applicants), {ra}/Officer/Queue (officers: client certificate)");
            Console.WriteLine($"  RA API (mTLS):    {ra}/api/v1/…   OpenAPI: {ra}/openapi/v1.json");
            Console.WriteLine($"  time-stamping:    {ra}/tsa   (RFC 3161: openssl ts -query … | curl --data-binary @q.tsq -H 'Content-Type: application/timestamp-query')");
            Console.WriteLine($"  signing API:      {ra}/api/v1/service-keys | signatures?key=…&detached=…&timestamp=… | verifications | verifications/raw | envelopes | envelopes/decryptions?key=…   (mTLS)");
            foreach (var line in serviceKeys)
            {
                Console.WriteLine($"  demo system keys: {line}");
            }
            foreach (var credential in credentials)
            {
                Console.WriteLine($"  {credential.Role,-8} login:   {credential.Path}   password: {credential.Password}   (shown once)");
            }

            if (credentials.Count > 0)
            {
                var officer = credentials.Last(c => c.Role != RaBootstrap.SystemRole);
                Console.WriteLine($"  try:              curl --cert-type P12 --cert {officer.Path}:{officer.Password} --cacert {Path.Combine(data.CaDirectory, "root.pem")} {ra}/api/v1/queue");
                if (credentials.FirstOrDefault(c => c.Role == RaBootstrap.SystemRole) is { } system)
                {
                    Console.WriteLine($"  try:              curl --cert-type P12 --cert {system.Path}:{system.Password} --cacert {Path.Combine(data.CaDirectory, "root.pem")} --data-binary @FILE '{ra}/api/v1/signatures?key={demoSignKey}&timestamp=true' -o FILE.p7m");
                }
            }

            Console.WriteLine($"  identity (OIDC):  issuer {identityOptions.Issuer}   discovery {identityOptions.Issuer}.well-known/openid-configuration   (staff sign in with the USB-key certificate: any staff-auth credential above); mTLS endpoints (RFC 8705) on https://127.0.0.1:{result.GetValue(idpMtlsPort)}");
            if (demoClientSecret is not null)
            {
                Console.WriteLine($"  demo client:      client_id demo-rp   secret: {demoClientSecret}   redirect_uri {DemoRedirect}   (shown once; authorization code + PKCE S256)");
            }

            if (demoSystem is not null)
            {
                Console.WriteLine($"  demo system:      client_id {DemoSystemClient}   tls_client_auth with {demoSystem.Path}   token: curl --cert-type P12 --cert {demoSystem.Path}:PASSWORD --cacert {Path.Combine(data.CaDirectory, "root.pem")} -d grant_type=client_credentials -d client_id={DemoSystemClient} https://127.0.0.1:{result.GetValue(idpMtlsPort)}/connect/token");
            }

            Console.WriteLine($"  OCSP responder:   {ca.OcspUrl}   (POST, or GET {ca.OcspUrl}/<base64 request>)");
            Console.WriteLine($"  CRLs:             {ca.CrlUrl(ca.IssuingAuthority)}, {ca.DeltaCrlUrl(ca.IssuingAuthority)}, {ca.CrlUrl(AuthorityInitializer.RootName)}");
            Console.WriteLine($"  CA certificates:  {ca.CaIssuersUrl(AuthorityInitializer.RootName)}, {ca.CaIssuersUrl(ca.IssuingAuthority)}");
            Console.WriteLine($"  health, metrics:  {listen}/health/ready, {listen}/metrics");
            Console.WriteLine($"  try:              openssl ocsp -issuer {Path.Combine(data.CaDirectory, "issuing.pem")} -cert CERT.pem -url {ca.OcspUrl} -CAfile {Path.Combine(data.CaDirectory, "root.pem")}");
            Console.WriteLine($"  try:              openssl ts -query -data FILE -sha256 -cert -out q.tsq && curl -s --cacert {Path.Combine(data.CaDirectory, "root.pem")} -H 'Content-Type: application/timestamp-query' --data-binary @q.tsq {ra}/tsa -o r.tsr && openssl ts -verify -queryfile q.tsq -in r.tsr -CAfile {Path.Combine(data.CaDirectory, "root.pem")} -untrusted {Path.Combine(data.CaDirectory, "issuing.pem")}");
            if (credentials.Count == 0)
            {
                // Issue 11: later starts list the credentials again (their passwords were shown once, at the first start).
                var files = Directory.Exists(data.Combine("credentials")) ? Directory.GetFiles(data.Combine("credentials"), "*.p12").Order(StringComparer.Ordinal).ToList() : [];
                Console.WriteLine($"  credentials:      {(files.Count == 0 ? "none" : string.Join(", ", files))}");
                Console.WriteLine("                    (passwords were printed at the first start; lost one? pki officer add --staff-id ID --name NAME issues a new credential, pki officer list shows who holds a role)");
            }
            Console.WriteLine("Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
