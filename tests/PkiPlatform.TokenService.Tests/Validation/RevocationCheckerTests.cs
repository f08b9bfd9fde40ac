using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore.Configuration;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.TestKit;
using PkiPlatform.TokenService.Validation;

namespace PkiPlatform.TokenService.Tests.Validation;

/// <summary>
/// The CRL fallback: certificates whose AIA names an OCSP responder that does not answer, and whose CDP
/// points at a plain file server holding the CA's published CRLs.
/// </summary>
[NonParallelizable]
public sealed class RevocationCheckerTests
{
    private TestPki _pki = null!;
    private WebApplication _files = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private X509Certificate _issuing = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        var port = FreePort.Next();
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        _pki = await TestPki.CreateAsync(options: new CaOptions
        {
            OcspUrl = "http://127.0.0.1:9/ocsp", CrlBaseUrl = $"http://127.0.0.1:{port}/crl", CaIssuersBaseUrl = $"http://127.0.0.1:{port}/ca",
        });
        _issuing = new X509CertificateParser().ReadCertificate(_pki.IssuingDer);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _files = builder.Build();
        _files.MapGet("/crl/{file}", (string file) =>
        {
            var path = Path.Combine(_pki.Directory, "crl", Path.GetFileName(file));
            return File.Exists(path) ? Results.Bytes(File.ReadAllBytes(path), "application/pkix-crl") : Results.NotFound();
        });
        await _files.StartAsync();
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        _http.Dispose();
        await _files.StopAsync();
        await _files.DisposeAsync();
        await _pki.DisposeAsync();
    }


    [Test]
    public async Task CheckAsync_OcspDown_RevokedFromCrlWithReason()
    {
        var good = await _pki.IssueAsync("staff-auth", "CN=Good Via Crl,O=HRSS");
        var revoked = await _pki.RevokedLeafAsync(RevocationReason.KeyCompromise);
        await _pki.Ca.Crls.PublishAllAsync(false, "test");
        var checker = new RevocationChecker(_http, _pki.Clock);

        var goodStatus = await checker.CheckAsync(new X509CertificateParser().ReadCertificate(good.Der), _issuing);
        var revokedStatus = await checker.CheckAsync(new X509CertificateParser().ReadCertificate(revoked.Der), _issuing);

        Assert.That(goodStatus.State, Is.EqualTo(RevocationState.Good));
        Assert.That(goodStatus.Source, Does.StartWith("CRL http://127.0.0.1:").And.EndWith("/crl/issuing.crl"));
        Assert.That((revokedStatus.State, revokedStatus.ReasonName), Is.EqualTo((RevocationState.Revoked, "keyCompromise")));
    }

    [Test]
    public async Task CheckAsync_OcspAndCrlDown_UnknownNamingBothFailures()
    {
        var leaf = await _pki.IssueAsync("staff-auth", "CN=Nobody Answers,O=HRSS");
        var checker = new RevocationChecker(_http, _pki.Clock);
        var crl = Path.Combine(_pki.Directory, "crl", "issuing.crl");
        if (File.Exists(crl))
        {
            File.Delete(crl);
        }

        var status = await checker.CheckAsync(new X509CertificateParser().ReadCertificate(leaf.Der), _issuing);

        Assert.That(status.State, Is.EqualTo(RevocationState.Unknown));
        Assert.That(status.Detail, Does.Contain("OCSP http://127.0.0.1:9/ocsp").And.Contain("CRL http://127.0.0.1:").And.Contain("404"));
    }
}
