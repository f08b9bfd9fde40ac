using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PkiPlatform.TestKit;
using PkiPlatform.KeyStore;

namespace PkiPlatform.TokenService.Tests.Cms;

/// <summary>/api/v1/token over HTTPS with client certificates: the answers and the RFC 9457 refusals.</summary>
[NonParallelizable]
public sealed class TokenApiTests
{
    private CmsTestPlatform _platform = null!;
    private TestLeaf _system = null!;
    private string _signKey = "";

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _platform = await CmsTestPlatform.StartAsync();
        _system = await _platform.Pki.IssueAsync("business-system", CmsTestPlatform.OwnerSubject, account: new CaCore.Issuance.AccountBinding(CmsTestPlatform.Owner));
        _signKey = (await _platform.CreateKeyAsync(ServiceKeyUsage.Sign)).Key.KeyLabel;
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Test]
    public async Task Keys_WithoutClientCertificate_401Problem()
    {
        using var http = _platform.ApiClient(null);

        using var response = await http.GetAsync("/api/v1/token/keys");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await ProblemAsync(response)).GetProperty("detail").GetString(), Does.Contain("client certificate"));
    }

    [Test]
    public async Task Keys_RevokedClientCertificate_401SaysRevoked()
    {
        var revoked = await _platform.Pki.IssueAsync("business-system", "CN=Retired System,O=HRSS");
        await _platform.Pki.Ca.Revocations.RevokeAsync(revoked.Serial, CaCore.Revocation.RevocationReason.CessationOfOperation, null, "test");
        using var http = _platform.ApiClient(revoked);

        using var response = await http.GetAsync("/api/v1/token/keys");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await ProblemAsync(response)).GetProperty("detail").GetString(), Does.Contain("revoked"));
    }

    /// <summary>Issue 10: the paths say what they do; the old /api/v1/token/… paths still answer, marked deprecated with their successor.</summary>
    [Test]
    public async Task NewPaths_Answer_OldPathsDeprecatedWithSuccessor()
    {
        using var http = _platform.ApiClient(_system);

        using var keys = await http.GetAsync("/api/v1/service-keys");
        using var signed = await http.PostAsync($"/api/v1/signatures?key={_signKey}", new ByteArrayContent("x"u8.ToArray()));
        using var verified = await http.PostAsJsonAsync("/api/v1/verifications", new { signedData = Convert.ToBase64String(await signed.Content.ReadAsByteArrayAsync()) });
        using var old = await http.PostAsync($"/api/v1/token/sign?key={_signKey}", new ByteArrayContent("x"u8.ToArray()));

        Assert.That((keys.StatusCode, signed.StatusCode, verified.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That(keys.Headers.Contains("Deprecation"), Is.False);
        Assert.That(old.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(old.Headers.GetValues("Deprecation").Single(), Is.EqualTo("@1796083200"));
        Assert.That(old.Headers.GetValues("Link").Single(), Is.EqualTo("</api/v1/signatures>; rel=\"successor-version\""));
    }

    /// <summary>GM/T 0010 over the API: format=gmt0010 with the system's SM2 key, verified through the API; with an ECDSA key a 400 problem says why.</summary>
    [Test]
    public async Task SignGmT0010_OverHttps_VerifiesThroughTheApi_EcdsaKeyRefused()
    {
        var sm2 = (await _platform.CreateKeyAsync(ServiceKeyUsage.Sign, KeyAlgorithm.Sm2)).Key.KeyLabel;
        using var http = _platform.ApiClient(_system);

        using var signed = await http.PostAsync($"/api/v1/signatures?key={sm2}&format=gmt0010", new ByteArrayContent("就业登记表"u8.ToArray()));
        var der = await signed.Content.ReadAsByteArrayAsync();
        using var verified = await http.PostAsJsonAsync("/api/v1/verifications", new { signedData = Convert.ToBase64String(der) });
        var report = JsonDocument.Parse(await verified.Content.ReadAsStringAsync()).RootElement;
        using var refused = await http.PostAsync($"/api/v1/signatures?key={_signKey}&format=gmt0010", new ByteArrayContent("x"u8.ToArray()));

        Assert.That(signed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(der).ContentType.Id, Is.EqualTo("1.2.156.10197.6.1.4.2.2"));
        Assert.That(report.GetProperty("valid").GetBoolean(), Is.True, report.ToString());
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ProblemAsync(refused)).GetProperty("detail").GetString(), Does.Contain("signs with SM2 keys only"));
    }

    [Test]
    public async Task EnvelopeGmT0010_OverHttps_OpensWithTheSystemsSm2Key_RsaRecipientRefused()
    {
        var (key, certificate) = await _platform.CreateKeyAsync(ServiceKeyUsage.Decrypt, KeyAlgorithm.Sm2);
        var (_, rsaCertificate) = await _platform.CreateKeyAsync(ServiceKeyUsage.Decrypt, KeyAlgorithm.Rsa2048);
        using var http = _platform.ApiClient(_system);
        var content = Convert.ToBase64String("失业保险金申领登记"u8.ToArray());

        using var sealedEnvelope = await http.PostAsJsonAsync("/api/v1/envelopes", new { content, recipients = new[] { await File.ReadAllTextAsync(certificate) }, format = "gmt0010" });
        var der = await sealedEnvelope.Content.ReadAsByteArrayAsync();
        using var opened = await http.PostAsync($"/api/v1/envelopes/decryptions?key={key.KeyLabel}", new ByteArrayContent(der));
        using var refused = await http.PostAsJsonAsync("/api/v1/envelopes", new { content, recipients = new[] { await File.ReadAllTextAsync(rsaCertificate) }, format = "gmt0010" });

        Assert.That(sealedEnvelope.StatusCode, Is.EqualTo(HttpStatusCode.OK), await sealedEnvelope.Content.ReadAsStringAsync());
        Assert.That(Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(der).ContentType.Id, Is.EqualTo("1.2.156.10197.6.1.4.2.3"));
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await opened.Content.ReadAsByteArrayAsync(), Is.EqualTo("失业保险金申领登记"u8.ToArray()));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ProblemAsync(refused)).GetProperty("detail").GetString(), Does.Contain("SM2 keys only"));
    }

    [Test]
    public async Task SignThenVerify_OverHttps_ValidVerdict()
    {
        using var http = _platform.ApiClient(_system);

        using var keys = await http.GetAsync("/api/v1/token/keys");
        using var signed = await http.PostAsync($"/api/v1/token/sign?key={_signKey}&timestamp=true", new ByteArrayContent("社保卡申领表"u8.ToArray()));
        var der = await signed.Content.ReadAsByteArrayAsync();
        using var verified = await http.PostAsJsonAsync("/api/v1/token/verify", new { signedData = Convert.ToBase64String(der), returnContent = true });
        var report = JsonDocument.Parse(await verified.Content.ReadAsStringAsync()).RootElement;

        Assert.That(await keys.Content.ReadAsStringAsync(), Does.Contain(_signKey));
        Assert.That(signed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(signed.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/pkcs7-mime"));
        Assert.That(report.GetProperty("valid").GetBoolean(), Is.True, report.ToString());
        Assert.That(report.GetProperty("signers")[0].GetProperty("timestamp").GetProperty("valid").GetBoolean(), Is.True);
        Assert.That(Convert.FromBase64String(report.GetProperty("content").GetString()!), Is.EqualTo("社保卡申领表"u8.ToArray()));
    }

    [Test]
    public async Task Sign_UnknownKey_404Problem()
    {
        using var http = _platform.ApiClient(_system);

        using var response = await http.PostAsync("/api/v1/token/sign?key=no-such-key", new ByteArrayContent([1, 2, 3]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await ProblemAsync(response)).GetProperty("code").GetString(), Is.EqualTo("token.key_not_found"));
    }

    [Test]
    public async Task Sign_Oversized_413Problem()
    {
        using var http = _platform.ApiClient(_system);

        using var response = await http.PostAsync($"/api/v1/token/sign?key={_signKey}", new ByteArrayContent(new byte[256 * 1024 + 1]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That((await ProblemAsync(response)).GetProperty("code").GetString(), Is.EqualTo("cms.too_large"));
    }

    [Test]
    public async Task Verify_NotDer_400ProblemSaysWhatToSend()
    {
        using var http = _platform.ApiClient(_system);

        using var response = await http.PostAsJsonAsync("/api/v1/token/verify", new { signedData = Convert.ToBase64String("hello"u8.ToArray()) });
        var problem = await ProblemAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("cms.malformed"));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("ContentInfo"));
    }

    [Test]
    public async Task Decrypt_SignedDataBody_400WrongContentType()
    {
        using var http = _platform.ApiClient(_system);
        var signed = await _platform.Signer.SignAsync(CmsTestPlatform.Owner, _signKey, [1, 2, 3], false, false);

        using var response = await http.PostAsync("/api/v1/token/decrypt", new ByteArrayContent(signed));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ProblemAsync(response)).GetProperty("detail").GetString(), Does.Contain("expected CMS EnvelopedData").And.Contain("got SignedData"));
    }

    [Test]
    public async Task VerifyRaw_Sha1_400AlgorithmPolicy()
    {
        using var http = _platform.ApiClient(_system);

        using var response = await http.PostAsJsonAsync("/api/v1/token/verify-raw", new
        {
            data = Convert.ToBase64String([1]), signature = Convert.ToBase64String([2]),
            certificate = Convert.ToBase64String(_platform.Pki.IssuingDer), algorithm = "SHA1withECDSA",
        });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ProblemAsync(response)).GetProperty("detail").GetString(), Does.Contain("algorithm policy"));
    }

    /// <summary>Trust-model item 3: keys follow the account binding; a valid certificate bound to no system reaches none.</summary>
    [Test]
    public async Task UnboundCertificate_ReachesNoKeys_LookAlikeCannotBeIssued()
    {
        var unbound = await _platform.Pki.IssueAsync("business-system", "CN=Other System,O=HRSS");
        using var http = _platform.ApiClient(unbound);
        using var keys = await http.GetAsync("/api/v1/token/keys");
        Assert.That(keys.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await ProblemAsync(keys)).GetProperty("detail").GetString(), Does.Contain("bound to no registered business system"));
        using var sign = await http.PostAsync($"/api/v1/token/sign?key={_signKey}", new ByteArrayContent([1, 2, 3]));
        Assert.That(sign.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        foreach (var lookAlike in new[] { "CN=pension  system,O=hrss", "O=HRSS,CN=Pension System", "CN=PENSION SYSTEM,O=HRSS" })
        {
            var error = Assert.ThrowsAsync<PkiException>(() => _platform.Pki.IssueAsync("business-system", lookAlike))!;
            Assert.That(error.Code, Is.EqualTo(PkiPlatform.CaCore.CaErrorCodes.SubjectReserved), lookAlike);
        }
    }
}
