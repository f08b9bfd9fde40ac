using System.Net.Http.Headers;
using PkiPlatform.TestKit;

namespace PkiPlatform.OcspResponder.Tests;

/// <summary>Every refusal is an OCSP response with the right status, and the responder keeps answering.</summary>
[NonParallelizable]
public sealed class BadInputTests
{
    private TestPki _pki = null!;
    private OcspHost _host = null!;
    private TestLeaf _leaf = null!;
    private readonly HttpClient _http = new();

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _pki = await TestPki.CreateAsync();
        _host = await OcspHost.StartAsync(_pki.Ca);
        _leaf = await _pki.IssueAsync("staff-auth");
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        await _pki.DisposeAsync();
    }

    private async Task<(int Http, string ContentType, byte[] Body)> PostAsync(byte[] body, string contentType = "application/ocsp-request")
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await _http.PostAsync(_host.OcspUrl, content);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", await response.Content.ReadAsByteArrayAsync());
    }

    private async Task AssertRefusedAsync(byte[] body, OcspStatus expected, string contentType = "application/ocsp-request")
    {
        var (http, type, response) = await PostAsync(body, contentType);
        Assert.That((http, type), Is.EqualTo((200, "application/ocsp-response")));
        Assert.That(OcspRequests.Status(response), Is.EqualTo(expected));
        // …and the service still answers a good request.
        var (_, _, good) = await PostAsync(OcspRequests.For(_pki.IssuingDer, _leaf.Serial));
        Assert.That(OcspRequests.Status(good), Is.EqualTo(OcspStatus.Successful));
    }

    [Test]
    public Task TruncatedDer_Malformed()
    {
        var request = OcspRequests.For(_pki.IssuingDer, _leaf.Serial);
        return AssertRefusedAsync(request[..^5], OcspStatus.MalformedRequest);
    }

    [Test]
    public Task NotDerAtAll_Malformed() => AssertRefusedAsync("hello, responder"u8.ToArray(), OcspStatus.MalformedRequest);

    [Test]
    public Task TrailingGarbage_Malformed() => AssertRefusedAsync([.. OcspRequests.For(_pki.IssuingDer, _leaf.Serial), 0x00, 0x01], OcspStatus.MalformedRequest);

    [Test]
    public Task WrongContentType_Malformed() => AssertRefusedAsync(OcspRequests.For(_pki.IssuingDer, _leaf.Serial), OcspStatus.MalformedRequest, "text/html");

    [Test]
    public Task OneMegabyteBody_Malformed() => AssertRefusedAsync(new byte[1 << 20], OcspStatus.MalformedRequest);

    [Test]
    public Task DuplicatedNonce_Malformed() =>
        AssertRefusedAsync(OcspRequests.For(_pki.IssuingDer, _leaf.Serial, "1.3.14.3.2.26", OcspRequests.Nonce([1, 2, 3]), OcspRequests.Nonce([4, 5, 6])), OcspStatus.MalformedRequest);

    [Test]
    public Task NonceTooLong_Malformed() =>
        AssertRefusedAsync(OcspRequests.For(_pki.IssuingDer, _leaf.Serial, "1.3.14.3.2.26", OcspRequests.Nonce(new byte[33])), OcspStatus.MalformedRequest);

    [Test]
    public Task UnknownCriticalExtension_Malformed() =>
        AssertRefusedAsync(OcspRequests.For(_pki.IssuingDer, _leaf.Serial, "1.3.14.3.2.26", OcspRequests.CriticalExtension("1.3.6.1.4.1.32473.7")), OcspStatus.MalformedRequest);

    [Test]
    public Task UnknownHashAlgorithm_Malformed() =>
        AssertRefusedAsync(OcspRequests.For(_pki.IssuingDer, _leaf.Serial, "1.2.840.113549.2.5"), OcspStatus.MalformedRequest); // MD5

    [Test]
    public Task IssuerNotServed_Unauthorized()
    {
        using var foreign = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Some Other CA", foreign, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var other = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return AssertRefusedAsync(OcspRequests.For(other.RawData, _leaf.Serial), OcspStatus.Unauthorized);
    }

    [Test]
    public async Task GetGarbage_Malformed()
    {
        using var response = await _http.GetAsync($"{_host.OcspUrl}/not-base64%%%");
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/ocsp-response"));
        Assert.That(OcspRequests.Status(await response.Content.ReadAsByteArrayAsync()), Is.EqualTo(OcspStatus.MalformedRequest));
    }

    [Test]
    public async Task NonceOk_Echoed()
    {
        var nonce = new byte[] { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6 };
        var (_, _, body) = await PostAsync(OcspRequests.For(_pki.IssuingDer, _leaf.Serial, "1.3.14.3.2.26", OcspRequests.Nonce(nonce)));
        var basic = (Org.BouncyCastle.Ocsp.BasicOcspResp)new Org.BouncyCastle.Ocsp.OcspResp(body).GetResponseObject();
        var echoed = basic.GetExtensionValue(Org.BouncyCastle.Asn1.Ocsp.OcspObjectIdentifiers.PkixOcspNonce).GetOctets();
        Assert.That(Org.BouncyCastle.Asn1.Asn1OctetString.GetInstance(echoed).GetOctets(), Is.EqualTo(nonce));
    }
}
