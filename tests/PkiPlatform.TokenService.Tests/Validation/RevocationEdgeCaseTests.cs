using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using PkiPlatform.TestKit;
using PkiPlatform.TokenService.Cms;
using PkiPlatform.TokenService.Validation;

namespace PkiPlatform.TokenService.Tests.Validation;

/// <summary>
/// Issue 9 item 15: a CRL cached by URL is checked against the issuer on every use; an OCSP answer without nextUpdate
/// lives a bounded time; a bad delegated responder (wrong EKU, another CA's, unparseable, expired) makes the status
/// Unknown with the reason, never an exception. The PKI is built here; a local server plays OCSP responder and CRL host.
/// </summary>
[NonParallelizable]
public sealed class RevocationEdgeCaseTests
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Dictionary<string, byte[]> _crls = new(StringComparer.Ordinal);
    private WebApplication _server = null!;
    private string _url = "";
    private Func<OcspReq, byte[]> _ocsp = _ => [];
    private int _ocspRequests;
    private int _crlRequests;
    private FakeTimeProvider _clock = null!;
    private TestIssuer _ca = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        var port = FreePort.Next();
        _url = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls(_url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _server = builder.Build();
        _server.MapPost("/ocsp", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref _ocspRequests);
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            return Results.Bytes(_ocsp(new OcspReq(body.ToArray())), "application/ocsp-response");
        });
        _server.MapGet("/crl/{name}", (string name) =>
        {
            Interlocked.Increment(ref _crlRequests);
            return _crls.TryGetValue(name, out var crl) ? Results.Bytes(crl, "application/pkix-crl") : Results.NotFound();
        });
        await _server.StartAsync();
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        _http.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    [SetUp]
    public void SetUp()
    {
        _clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _ca = TestCertificate.Root("CN=Revocation Test CA,O=Strict").Issue();
        _crls.Clear();
        _ocspRequests = 0;
        _crlRequests = 0;
    }

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    private X509Certificate LeafWithCrl(TestIssuer issuer, string crl) =>
        TestCertificate.Leaf(issuer).With(X509Extensions.CrlDistributionPoints, false, new CrlDistPoint([
            new DistributionPoint(new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.UniformResourceIdentifier, $"{_url}/crl/{crl}"))), null, null),
        ])).Build();

    private X509Certificate LeafWithOcsp(TestIssuer issuer) =>
        TestCertificate.Leaf(issuer).With(X509Extensions.AuthorityInfoAccess, false,
            new AuthorityInformationAccess(new AccessDescription(AccessDescription.IdADOcsp, new GeneralName(GeneralName.UniformResourceIdentifier, $"{_url}/ocsp")))).Build();

    private static byte[] Crl(TestIssuer issuer, DateTime thisUpdate, params X509Certificate[] revoked)
    {
        var generator = new X509V2CrlGenerator();
        generator.SetIssuerDN(issuer.Name);
        generator.SetThisUpdate(thisUpdate);
        generator.SetNextUpdate(thisUpdate.AddDays(1));
        foreach (var certificate in revoked)
        {
            generator.AddCrlEntry(certificate.SerialNumber, thisUpdate, CrlReason.KeyCompromise);
        }

        return generator.Generate(new Asn1SignatureFactory("SHA256withECDSA", issuer.Private)).GetEncoded();
    }

    /// <summary>A "good" answer for what was asked, signed by <paramref name="signer"/> carrying <paramref name="carried"/>.</summary>
    private Func<OcspReq, byte[]> Good(TestIssuer signer, X509Certificate[] carried, bool nextUpdate = true, DateTime? thisUpdate = null) => request =>
    {
        var generator = new BasicOcspRespGenerator(new RespID(signer.Name));
        var at = thisUpdate ?? Now;
        generator.AddResponse(request.GetRequestList()[0].GetCertID(), CertificateStatus.Good, at, nextUpdate ? at.AddHours(1) : null, null);
        var basic = generator.Generate(new Asn1SignatureFactory("SHA256withECDSA", signer.Private), carried, at);
        return new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic).GetEncoded();
    };

    private RevocationChecker Checker() => new(_http, _clock);

    [Test]
    public async Task CheckAsync_CachedCrlUsedAgainForTheSameCa_OneFetch()
    {
        var first = LeafWithCrl(_ca, "shared.crl");
        var second = LeafWithCrl(_ca, "shared.crl");
        _crls["shared.crl"] = Crl(_ca, Now.AddMinutes(-1), second);
        var checker = Checker();

        var good = await checker.CheckAsync(first, _ca.Certificate);
        var revoked = await checker.CheckAsync(second, _ca.Certificate);

        Assert.That((good.State, revoked.State, revoked.ReasonName), Is.EqualTo((RevocationState.Good, RevocationState.Revoked, "keyCompromise")));
        Assert.That(_crlRequests, Is.EqualTo(1));
    }

    [Test]
    public async Task CheckAsync_CachedCrlOfAnotherCaAtTheSameUrl_NotTakenForThisCa()
    {
        var other = TestCertificate.Root("CN=Other Test CA,O=Strict").Issue();
        _crls["shared.crl"] = Crl(_ca, Now.AddMinutes(-1));
        var checker = Checker();
        Assert.That((await checker.CheckAsync(LeafWithCrl(_ca, "shared.crl"), _ca.Certificate)).State, Is.EqualTo(RevocationState.Good));

        var status = await checker.CheckAsync(LeafWithCrl(other, "shared.crl"), other.Certificate);

        Assert.That(status.State, Is.EqualTo(RevocationState.Unknown));
        Assert.That(status.Detail, Does.Contain("the CRL is issued by 'CN=Revocation Test CA,O=Strict', not by 'CN=Other Test CA,O=Strict'"));
    }

    [Test]
    public async Task CheckAsync_CachedCrlForACaOfTheSameNameAndAnotherKey_SignatureCheckedAgain()
    {
        // A look-alike CA (same DN, its own key) whose certificates name the genuine CA's CRL URL: a cached CRL must not vouch for them.
        var lookAlike = TestCertificate.Root("CN=Revocation Test CA,O=Strict").Issue();
        _crls["shared.crl"] = Crl(_ca, Now.AddMinutes(-1));
        var checker = Checker();
        Assert.That((await checker.CheckAsync(LeafWithCrl(_ca, "shared.crl"), _ca.Certificate)).State, Is.EqualTo(RevocationState.Good));

        var status = await checker.CheckAsync(LeafWithCrl(lookAlike, "shared.crl"), lookAlike.Certificate);

        Assert.That(status.State, Is.EqualTo(RevocationState.Unknown));
        Assert.That(status.Detail, Does.Contain("the CRL's signature does not verify with the key of 'CN=Revocation Test CA,O=Strict'"));
        Assert.That(_crlRequests, Is.EqualTo(1), "the cached CRL was checked, not fetched again");
    }

    [Test]
    public async Task CheckAsync_OcspWithoutNextUpdate_CachedOnlyForTheBoundedAge()
    {
        _ocsp = Good(_ca, [], nextUpdate: false);
        var leaf = LeafWithOcsp(_ca);
        var checker = new RevocationChecker(_http, _clock) { MaxCacheAge = TimeSpan.FromHours(1), MaxCacheAgeWithoutNextUpdate = TimeSpan.FromMinutes(2) };

        var first = await checker.CheckAsync(leaf, _ca.Certificate);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await checker.CheckAsync(leaf, _ca.Certificate);
        var requestsWithinAge = _ocspRequests;
        _clock.Advance(TimeSpan.FromMinutes(1.5));
        await checker.CheckAsync(leaf, _ca.Certificate);

        Assert.That(first.State, Is.EqualTo(RevocationState.Good));
        Assert.That((requestsWithinAge, _ocspRequests), Is.EqualTo((1, 2)));
    }

    [Test]
    public async Task CheckAsync_OcspWithNextUpdate_CachedUpToMaxCacheAge()
    {
        _ocsp = Good(_ca, []);
        var leaf = LeafWithOcsp(_ca);
        var checker = new RevocationChecker(_http, _clock) { MaxCacheAgeWithoutNextUpdate = TimeSpan.FromMinutes(1) };

        await checker.CheckAsync(leaf, _ca.Certificate);
        _clock.Advance(TimeSpan.FromMinutes(4));
        await checker.CheckAsync(leaf, _ca.Certificate);

        Assert.That(_ocspRequests, Is.EqualTo(1));
    }

    [Test]
    public async Task CheckAsync_OldOcspAnswerWithoutNextUpdate_RefusedAsPossibleReplay()
    {
        _ocsp = Good(_ca, [], nextUpdate: false, thisUpdate: Now.AddHours(-3));

        var status = await Checker().CheckAsync(LeafWithOcsp(_ca), _ca.Certificate);

        Assert.That(status.State, Is.EqualTo(RevocationState.Unknown));
        Assert.That(status.Detail, Does.Contain("has no nextUpdate and its thisUpdate").And.Contain("is older than 1 minutes"));
    }

    private TestIssuer Responder(TestIssuer issuer, KeyPurposeID? purpose, Action<TestCertificate>? change = null)
    {
        var certificate = TestCertificate.Leaf(issuer, "CN=Delegated Responder,O=Strict");
        if (purpose is not null)
        {
            certificate.With(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }

        change?.Invoke(certificate);
        return certificate.Issue();
    }

    [Test]
    public async Task CheckAsync_DelegatedResponderWithOcspSigning_Good()
    {
        var responder = Responder(_ca, KeyPurposeID.id_kp_OCSPSigning);
        _ocsp = Good(responder, [responder.Certificate]);

        var status = await Checker().CheckAsync(LeafWithOcsp(_ca), _ca.Certificate);

        Assert.That(status.State, Is.EqualTo(RevocationState.Good), status.Detail);
    }

    [TestCase("clientAuth", "lacks the id-kp-OCSPSigning extended key usage")]
    [TestCase("none", "lacks the id-kp-OCSPSigning extended key usage")]
    [TestCase("other CA", "is not issued by the CA 'CN=Revocation Test CA,O=Strict'")]
    [TestCase("expired", "is not valid now")]
    [TestCase("not carried", "signed neither by the issuing CA nor by a delegated responder")]
    public async Task CheckAsync_BadDelegatedResponder_UnknownWithReason(string fault, string reason)
    {
        // "other CA": same issuer name, another key: the certificate claims to be the CA's but is not signed by it.
        var issuer = fault == "other CA" ? TestCertificate.Root("CN=Revocation Test CA,O=Strict").Issue() : _ca;
        var responder = Responder(issuer, fault switch { "clientAuth" => KeyPurposeID.id_kp_clientAuth, "none" => null, _ => KeyPurposeID.id_kp_OCSPSigning },
            fault == "expired" ? c => { c.NotBefore = Now.AddDays(-10); c.NotAfter = Now.AddDays(-1); } : null);
        _ocsp = Good(responder, fault == "not carried" ? [] : [responder.Certificate]);

        var status = await Checker().CheckAsync(LeafWithOcsp(_ca), _ca.Certificate);

        Assert.That(status.State, Is.EqualTo(RevocationState.Unknown));
        Assert.That(status.Detail, Does.Contain(reason));
    }

    [Test]
    public async Task CheckAsync_UnparseableDelegatedResponderCertificate_UnknownWithReason()
    {
        var responder = Responder(_ca, KeyPurposeID.id_kp_OCSPSigning);
        _ocsp = request =>
        {
            var good = BasicOcspResponse.GetInstance(Asn1Object.FromByteArray(((BasicOcspResp)new OcspResp(Good(responder, [])(request)).GetResponseObject()).GetEncoded()));
            // The certs field holds something that is not a certificate.
            var broken = new BasicOcspResponse(good.TbsResponseData, good.SignatureAlgorithm, good.Signature, new DerSequence(new DerSequence(DerInteger.ValueOf(7), new DerUtf8String("not a certificate"))));
            return new OcspResponse(new OcspResponseStatus(OcspResponseStatus.Successful), new ResponseBytes(OcspObjectIdentifiers.PkixOcspBasic, new DerOctetString(broken))).GetEncoded();
        };

        var status = await Checker().CheckAsync(LeafWithOcsp(_ca), _ca.Certificate);

        Assert.That(status.State, Is.EqualTo(RevocationState.Unknown));
        Assert.That(status.Detail, Does.Contain("OCSP " + _url + "/ocsp"));
    }

    [Test]
    public async Task VerifyRawAsync_BadDelegatedResponder_IndeterminateNotAnException()
    {
        var responder = Responder(_ca, KeyPurposeID.id_kp_clientAuth);
        _ocsp = Good(responder, [responder.Certificate]);
        var signer = TestCertificate.Leaf(_ca).With(X509Extensions.AuthorityInfoAccess, false,
            new AuthorityInformationAccess(new AccessDescription(AccessDescription.IdADOcsp, new GeneralName(GeneralName.UniformResourceIdentifier, $"{_url}/ocsp"))));
        var certificate = signer.Build();
        var sign = Org.BouncyCastle.Security.SignerUtilities.GetSigner("SHA256withECDSA");
        sign.Init(true, signer.Key.Private);
        sign.BlockUpdate([1, 2, 3], 0, 3);
        var verifier = new SignatureVerifier(new PathValidator([_ca.Certificate]), Checker(), _clock);

        var report = await verifier.VerifyRawAsync([1, 2, 3], sign.GenerateSignature(), certificate.GetEncoded(), "SHA256withECDSA");

        Assert.That(report.Signers[0].Verdict, Is.EqualTo(SignerVerdict.IndeterminateVerdict), string.Join("; ", report.Signers[0].Reasons));
        Assert.That(report.Signers[0].Reasons[^1], Does.Contain("revocation status unavailable").And.Contain("lacks the id-kp-OCSPSigning"));
    }
}
