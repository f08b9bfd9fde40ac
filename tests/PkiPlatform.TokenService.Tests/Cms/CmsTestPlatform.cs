using System.Security.Cryptography.X509Certificates;
using PkiPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Asn1.X509;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;
using X509CertificateParser = Org.BouncyCastle.X509.X509CertificateParser;
using PkiPlatform.CaCore.Configuration;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.OcspResponder;
using PkiPlatform.OcspResponder.Host;
using PkiPlatform.TestKit;
using PkiPlatform.TokenService.Cms;
using PkiPlatform.TokenService.Host;
using PkiPlatform.TokenService.Validation;

namespace PkiPlatform.TokenService.Tests.Cms;

/// <summary>
/// A test PKI whose certificates point (AIA, CDP) at a real OCSP responder and CRL distribution on
/// 127.0.0.1, with the token service (TSA, signer, envelopes) and a verifier trusting the test root.
/// </summary>
internal sealed class CmsTestPlatform : IAsyncDisposable
{
    /// <summary>The business-system account that owns the test's service keys.</summary>
    public const string Owner = "system:pension";

    /// <summary>The subject of that system's client certificate.</summary>
    public const string OwnerSubject = "CN=Pension System,O=HRSS";

    private readonly WebApplication _app;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private CmsTestPlatform(TestPki pki, WebApplication app, string url)
    {
        Pki = pki;
        _app = app;
        Url = url;
        Keys = app.Services.GetRequiredService<ServiceKeys>();
        Signer = app.Services.GetRequiredService<CmsSignatureCreator>();
        Opener = app.Services.GetRequiredService<CmsEnvelopeOpener>();
        Root = new X509CertificateParser().ReadCertificate(pki.RootDer);
        Issuing = new X509CertificateParser().ReadCertificate(pki.IssuingDer);
        Verifier = NewVerifier([Root]);
    }

    public TestPki Pki { get; }

    public string Url { get; }

    /// <summary>The HTTPS listener of /api/v1/token.</summary>
    public string ApiUrl { get; private init; } = "";

    private X509Certificate2 RootCertificate { get; init; } = null!;

    /// <summary>An HTTPS client trusting only the test root, presenting <paramref name="client"/> if given.</summary>
    public HttpClient ApiClient(TestLeaf? client) =>
        PlatformHttps.Client(ApiUrl, RootCertificate, X509CertificateLoader.LoadCertificate(Pki.IssuingDer), client is null ? null : PlatformHttps.Load(client));

    public ServiceKeys Keys { get; }

    public CmsSignatureCreator Signer { get; }

    public CmsEnvelopeOpener Opener { get; }

    public SignatureVerifier Verifier { get; }

    public X509Certificate Root { get; }

    public X509Certificate Issuing { get; }

    public T Service<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>The platform's own TSA certificate: the one the verifiers here trust by default, as the host does.</summary>
    public X509Certificate TsaCertificate => Service<TimeStampAuthority>().Certificate;

    /// <param name="anchors">Trust anchors.</param>
    /// <param name="policy">Algorithm policy.</param>
    /// <param name="clock">The verifier's clock; default the PKI's.</param>
    /// <param name="signers">Signer and TSA policy; default: trusts the platform's TSA certificate only.</param>
    public SignatureVerifier NewVerifier(IReadOnlyList<X509Certificate> anchors, AlgorithmPolicy? policy = null, TimeProvider? clock = null, SignerPolicy? signers = null) =>
        new(new PathValidator(anchors, [Issuing]), new RevocationChecker(_http, clock ?? Pki.Clock), clock ?? Pki.Clock, policy,
            signers ?? SignerPolicy.Default.TrustingTsa([TsaCertificate]));

    public static async Task<CmsTestPlatform> StartAsync(KeyAlgorithm algorithm = KeyAlgorithm.EcP256, IKeyStore? keys = null)
    {
        var port = FreePort.Next();
        var url = $"http://127.0.0.1:{port}";
        var pki = await TestPki.CreateAsync(algorithm, options: new CaOptions { OcspUrl = url + "/ocsp", CrlBaseUrl = url + "/crl", CaIssuersBaseUrl = url + "/ca" }, keys: keys);
        // The CA certificates' status comes from CRLs (they name no OCSP responder).
        await pki.Ca.Crls.PublishAllAsync(false, "test");
        await pki.Ca.Accounts.RegisterAsync(Owner, "Pension System", "test", new X509Name(OwnerSubject));
        var serverCertificate = PlatformHttps.Load(await pki.PlatformTlsAsync());
        var root = X509CertificateLoader.LoadCertificate(pki.RootDer);
        var issuing = X509CertificateLoader.LoadCertificate(pki.IssuingDer);
        var apiPort = FreePort.Next();

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Plain HTTP for OCSP/CRL, HTTPS with client certificates for the signing API, as in production.
            kestrel.Listen(System.Net.IPAddress.Loopback, port);
            kestrel.Listen(System.Net.IPAddress.Loopback, apiPort, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = serverCertificate;
                PlatformClientCertificates.AcceptAtTls(https);
            }));
        });
        builder.AddServiceDefaults();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOcspResponder(pki.Ca, new OcspResponderOptions { StatusPollSeconds = 1 });
        builder.Services.AddTokenService(pki.Ca, new TsaOptions(), new SigningServiceOptions { MaxBodyBytes = 256 * 1024 });
        builder.Services.AddPlatformClientCertificates(pki.Ca, root, issuing);
        var app = builder.Build();
        await app.Services.InitializeOcspResponderAsync();
        await app.Services.InitializeTokenServiceAsync();
        app.MapServiceDefaults();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOcspResponder();
        app.MapTokenService();
        await app.StartAsync();
        return new CmsTestPlatform(pki, app, url) { ApiUrl = $"https://127.0.0.1:{apiPort}", RootCertificate = root };
    }

    public async Task<(ServiceKeyEntity Key, string CertificatePath)> CreateKeyAsync(ServiceKeyUsage usage, KeyAlgorithm algorithm = KeyAlgorithm.EcP256, string owner = Owner)
    {
        var key = await Keys.CreateAsync(owner, usage, algorithm, new X509Name($"CN=Pension System {usage} {algorithm},O=HRSS"), 365, "test");
        return (key, Pki.WriteFile(key.KeyLabel + ".pem", System.Text.Encoding.ASCII.GetBytes(Pem.Certificate(key.CertificateDer))));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Pki.DisposeAsync();
    }

}
