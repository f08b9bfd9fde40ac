using PkiPlatform.CaCore.Revocation;
using PkiPlatform.TestKit;

namespace PkiPlatform.OcspResponder.Tests;

/// <summary>The responder as OpenSSL and GnuTLS see it: good, revoked with reason, unknown; nonce and no nonce; POST and GET.</summary>
[NonParallelizable]
public sealed class OpenSslOcspTests
{
    private TestPki _pki = null!;
    private OcspHost _host = null!;
    private TestLeaf _good = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _pki = await TestPki.CreateAsync();
        _host = await OcspHost.StartAsync(_pki.Ca);
        _good = await _pki.IssueAsync("staff-auth", "CN=Good User,O=HRSS");
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        await _host.DisposeAsync();
        await _pki.DisposeAsync();
    }

    private ExternalTool.Result Ocsp(params string[] arguments) =>
        ExternalTool.Run(ExternalTool.Require("openssl"), ["ocsp", .. arguments, "-url", _host.OcspUrl, "-CAfile", _pki.RootPemPath, "-verify_other", _pki.IssuingPemPath]);

    [TestCase(true)]
    [TestCase(false)]
    public void Good_WithAndWithoutNonce_VerifiesAgainstRoot(bool nonce)
    {
        var run = Ocsp(nonce ? ["-issuer", _pki.IssuingPemPath, "-cert", _good.CertificatePath] : ["-no_nonce", "-issuer", _pki.IssuingPemPath, "-cert", _good.CertificatePath]);
        Assert.That(run.StdOut, Does.Contain($"{_good.CertificatePath}: good"), run.ToString());
        Assert.That(run.StdErr, Does.Contain("Response verify OK"), run.ToString());
        Assert.That(run.StdErr, Does.Not.Contain("WARNING"), run.ToString());
    }

    [Test]
    public void Good_Sha256CertId_Verifies()
    {
        var run = Ocsp("-sha256", "-issuer", _pki.IssuingPemPath, "-cert", _good.CertificatePath);
        Assert.That(run.StdOut, Does.Contain($"{_good.CertificatePath}: good"), run.ToString());
    }

    [Test]
    public async Task Revoked_ReportsTimeAndReason()
    {
        var leaf = await _pki.RevokedLeafAsync(RevocationReason.KeyCompromise);
        var run = Ocsp("-issuer", _pki.IssuingPemPath, "-cert", leaf.CertificatePath);
        Assert.That(run.StdOut, Does.Contain($"{leaf.CertificatePath}: revoked").And.Contain("Reason: keyCompromise").And.Contain("Revocation Time:"), run.ToString());
        Assert.That(run.StdErr, Does.Contain("Response verify OK"));
    }

    [Test]
    public void NeverIssuedSerial_Unknown()
    {
        var run = Ocsp("-issuer", _pki.IssuingPemPath, "-serial", "0x7F0000000000000000000000000000AB");
        Assert.That(run.StdOut, Does.Contain(": unknown"), run.ToString());
    }

    [Test]
    public async Task Get_CacheHeaders_AndOpenSslVerifiesBody()
    {
        var request = _pki.WriteFile("get-req.der", []);
        ExternalTool.Run("openssl", "ocsp", "-issuer", _pki.IssuingPemPath, "-cert", _good.CertificatePath, "-no_nonce", "-reqout", request);
        var encoded = Uri.EscapeDataString(Convert.ToBase64String(await File.ReadAllBytesAsync(request)));
        using var http = new HttpClient();
        using var response = await http.GetAsync($"{_host.OcspUrl}/{encoded}");
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/ocsp-response"));
        Assert.That(response.Headers.CacheControl!.MaxAge, Is.GreaterThan(TimeSpan.FromMinutes(50)));
        Assert.That(response.Headers.ETag, Is.Not.Null);
        Assert.That(response.Content.Headers.LastModified, Is.Not.Null);
        Assert.That(response.Content.Headers.Expires, Is.GreaterThan(DateTimeOffset.UtcNow));
        var saved = _pki.WriteFile("get-resp.der", body);
        var verify = ExternalTool.Run("openssl", "ocsp", "-respin", saved, "-issuer", _pki.IssuingPemPath, "-cert", _good.CertificatePath, "-CAfile", _pki.RootPemPath, "-verify_other", _pki.IssuingPemPath);
        Assert.That(verify.StdOut, Does.Contain(": good"), verify.ToString());
        Assert.That(verify.StdErr, Does.Contain("Response verify OK"));
    }

    [Test]
    public async Task GnuTlsOcspTool_VerifiesGoodAndRevoked()
    {
        var tool = ExternalTool.Require("ocsptool");
        var good = ExternalTool.Run(tool, [$"--ask={_host.OcspUrl}", "--nonce", "--load-issuer", _pki.IssuingPemPath, "--load-cert", _good.CertificatePath, "--load-trust", _pki.ChainPemPath]);
        Assert.That(good.Output, Does.Contain("Certificate Status: good").And.Contain("Verifying OCSP Response: Success"), good.ToString());

        var revoked = await _pki.RevokedLeafAsync();
        var run = ExternalTool.Run(tool, [$"--ask={_host.OcspUrl}", "--load-issuer", _pki.IssuingPemPath, "--load-cert", revoked.CertificatePath, "--load-trust", _pki.ChainPemPath]);
        Assert.That(run.Output, Does.Contain("Certificate Status: revoked").And.Contain("Verifying OCSP Response: Success"), run.ToString());
    }

    [Test]
    public async Task RevocationAfterCaching_NoNonceAnswerRevokedWithinDelay()
    {
        var leaf = await _pki.IssueAsync("staff-auth", "CN=Soon Revoked,O=HRSS");
        Assert.That(Ocsp("-no_nonce", "-issuer", _pki.IssuingPemPath, "-cert", leaf.CertificatePath).StdOut, Does.Contain(": good"));

        await _pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.Superseded, null, "test");
        var revokedAt = DateTime.UtcNow;
        string output;
        do
        {
            await Task.Delay(250);
            output = Ocsp("-no_nonce", "-issuer", _pki.IssuingPemPath, "-cert", leaf.CertificatePath).StdOut;
        }
        while (!output.Contains(": revoked", StringComparison.Ordinal) && DateTime.UtcNow - revokedAt < TimeSpan.FromSeconds(15));

        Assert.That(output, Does.Contain(": revoked"), "the pre-signed answer was not replaced within the configured delay");
        Assert.That(DateTime.UtcNow - revokedAt, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task Hold_RevokedCertificateHold_ThenGoodAfterRelease()
    {
        var leaf = await _pki.IssueAsync("staff-auth", "CN=Held User,O=HRSS");
        await _pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.CertificateHold, null, "test");
        var held = Ocsp("-issuer", _pki.IssuingPemPath, "-cert", leaf.CertificatePath);
        Assert.That(held.StdOut, Does.Contain(": revoked").And.Contain("Reason: certificateHold"), held.ToString());

        await _pki.Ca.Revocations.ReleaseHoldAsync(leaf.Serial, "test");
        await Task.Delay(2500); // one status poll
        Assert.That(Ocsp("-issuer", _pki.IssuingPemPath, "-cert", leaf.CertificatePath).StdOut, Does.Contain(": good"));
    }

    [Test]
    public async Task Distribution_CrlAndCaCertificate_RightContentTypes()
    {
        var authority = await _pki.Ca.Authorities.GetAsync("issuing");
        await _pki.Ca.Crls.PublishAsync(authority, false, "test");
        using var http = new HttpClient();
        using var crl = await http.GetAsync($"{_host.Url}/crl/issuing.crl");
        using var ca = await http.GetAsync($"{_host.Url}/ca/issuing.crt");
        using var missing = await http.GetAsync($"{_host.Url}/crl/nope.crl");
        Assert.That(crl.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/pkix-crl"));
        Assert.That(ca.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/pkix-cert"));
        Assert.That(await ca.Content.ReadAsByteArrayAsync(), Is.EqualTo(_pki.IssuingDer));
        Assert.That((int)missing.StatusCode, Is.EqualTo(404));
        var saved = _pki.WriteFile("served.crl", await crl.Content.ReadAsByteArrayAsync());
        var verify = ExternalTool.Run("openssl", "crl", "-inform", "DER", "-in", saved, "-CAfile", _pki.IssuingPemPath, "-noout");
        Assert.That(verify.StdErr.Trim(), Is.EqualTo("verify OK"));
    }

    [Test]
    public async Task MetricsAndHealth_Served()
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"{_host.Url}/metrics");
        Assert.That(metrics, Does.Contain("ocsp_responses_total{status=\"good\"}").And.Contain("ocsp_cache_hit_ratio").And.Contain("ocsp_signing_seconds_count"));
        using var ready = await http.GetAsync($"{_host.Url}/health/ready");
        Assert.That((int)ready.StatusCode, Is.EqualTo(200));
    }
}
