using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PkiPlatform.TestKit;
using PkiPlatform.TokenService.Host;

namespace PkiPlatform.TokenService.Tests;

/// <summary>The RFC 3161 endpoint on real Kestrel, checked with `openssl ts`.</summary>
[NonParallelizable]
public sealed class TimeStampTests
{
    private TestPki _pki = null!;
    private WebApplication _app = null!;
    private string _url = "";
    private string _document = "";
    private readonly HttpClient _http = new();

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _pki = await TestPki.CreateAsync();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTokenService(_pki.Ca, new TsaOptions());
        _app = builder.Build();
        await _app.Services.InitializeTokenServiceAsync();
        _app.MapTokenService();
        await _app.StartAsync();
        _url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/tsa";
        _document = _pki.WriteFile("document.txt", "社会保险待遇核定表 2026-11\n"u8.ToArray());
        var tsa = _app.Services.GetRequiredService<TimeStampAuthority>().Certificate;
        await File.WriteAllTextAsync(Path.Combine(_pki.Directory, "tsa.pem"), Pem.Certificate(tsa.GetEncoded()));
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _pki.DisposeAsync();
    }

    private string Query(string name, params string[] extra)
    {
        var path = Path.Combine(_pki.Directory, name + ".tsq");
        var run = ExternalTool.Run("openssl", ["ts", "-query", "-data", _document, .. extra, "-out", path]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        return path;
    }

    private async Task<string> StampAsync(string query, string name, string contentType = TokenServiceEndpoints.QueryType)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(query));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await _http.PostAsync(_url, content);
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo(TokenServiceEndpoints.ReplyType));
        var path = Path.Combine(_pki.Directory, name + ".tsr");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        return path;
    }

    private ExternalTool.Result Verify(string reply, params string[] how) =>
        ExternalTool.Run("openssl", ["ts", "-verify", .. how, "-in", reply, "-CAfile", _pki.RootPemPath, "-untrusted", _pki.IssuingPemPath]);

    [TestCase("-sha256")]
    [TestCase("-sha384")]
    [TestCase("-sha512")]
    public async Task Token_VerifiesWithQueryFileAndData(string hash)
    {
        var query = Query("q" + hash, hash, "-cert");
        var reply = await StampAsync(query, "r" + hash);
        Assert.That(Verify(reply, "-queryfile", query).StdOut, Does.Contain("Verification: OK"));
        Assert.That(Verify(reply, "-data", _document).StdOut, Does.Contain("Verification: OK"));
    }

    [Test]
    public async Task Token_TamperedData_FailsVerification()
    {
        var reply = await StampAsync(Query("tamper", "-sha256", "-cert"), "tamper");
        var other = _pki.WriteFile("other.txt", "社会保险待遇核定表 2026-12\n"u8.ToArray());
        Assert.That(Verify(reply, "-data", other).Output, Does.Contain("Verification: FAILED"));
    }

    [Test]
    public async Task Token_WithoutCertReq_VerifiesWithTsaCertificateGiven()
    {
        var query = Query("nocert", "-sha256");
        var reply = await StampAsync(query, "nocert");
        // openssl takes one -untrusted file: the TSA certificate and its issuing CA together.
        var untrusted = _pki.WriteFile("tsa-chain.pem", System.Text.Encoding.ASCII.GetBytes(await File.ReadAllTextAsync(Path.Combine(_pki.Directory, "tsa.pem")) + await File.ReadAllTextAsync(_pki.IssuingPemPath)));
        var run = ExternalTool.Run("openssl", ["ts", "-verify", "-queryfile", query, "-in", reply, "-CAfile", _pki.RootPemPath, "-untrusted", untrusted]);
        Assert.That(run.StdOut, Does.Contain("Verification: OK"), run.ToString());
    }

    [Test]
    public async Task Token_RecordedAsEvidence_WithUniqueSerial()
    {
        var reply = await StampAsync(Query("evidence", "-sha256"), "evidence");
        var text = ExternalTool.Run("openssl", "ts", "-reply", "-in", reply, "-text").StdOut;
        var serial = text.Split('\n').First(l => l.StartsWith("Serial number:", StringComparison.Ordinal))["Serial number:".Length..].Trim();
        await using var db = _pki.Ca.Database.CreateContext();
        var hex = serial.Replace("0x", "", StringComparison.Ordinal).ToUpperInvariant();
        var record = await db.TimestampRecords.SingleAsync(r => r.Serial == hex);
        Assert.That(record.HashAlgorithm, Is.EqualTo("2.16.840.1.101.3.4.2.1"));
        Assert.That(text, Does.Contain("Policy OID: 1.3.6.1.4.1.32473.1.4.1").And.Contain("Accuracy: 0x01 seconds"));
    }

    [TestCase("-sha1", "unrecognized or unsupported algorithm identifier")]
    [TestCase("-tspolicy 1.2.3.4", "the requested TSA policy is not supported by the TSA")]
    public async Task Refused_WithFailureInfo(string option, string failure)
    {
        var reply = await StampAsync(Query("bad" + option.Length, option.Split(' ')), "bad" + option.Length);
        var text = ExternalTool.Run("openssl", "ts", "-reply", "-in", reply, "-text").StdOut;
        Assert.That(text, Does.Contain("Status: Rejected").And.Contain(failure), text);
    }

    [Test]
    public async Task Garbage_BadDataFormat_WrongType_BadRequest()
    {
        var garbage = _pki.WriteFile("garbage.tsq", "not a request"u8.ToArray());
        var text = ExternalTool.Run("openssl", "ts", "-reply", "-in", await StampAsync(garbage, "garbage"), "-text").StdOut;
        Assert.That(text, Does.Contain("Status: Rejected").And.Contain("the data submitted has the wrong format"), text);
        var wrongType = ExternalTool.Run("openssl", "ts", "-reply", "-in", await StampAsync(Query("type", "-sha256"), "type", "text/plain"), "-text").StdOut;
        Assert.That(wrongType, Does.Contain("Status: Rejected").And.Contain("transaction not permitted or supported"), wrongType); // badRequest
    }

    [Test]
    public async Task ConcurrentRequests_EachTokenRecordedOnce()
    {
        var query = await File.ReadAllBytesAsync(Query("concurrent", "-sha256"));
        await using var before = _pki.Ca.Database.CreateContext();
        var count = await before.TimestampRecords.CountAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 60).Select(async _ =>
        {
            using var content = new ByteArrayContent(query);
            content.Headers.ContentType = new MediaTypeHeaderValue(TokenServiceEndpoints.QueryType);
            using var response = await _http.PostAsync(_url, content);
            return new Org.BouncyCastle.Tsp.TimeStampResponse(await response.Content.ReadAsByteArrayAsync());
        }));

        Assert.That(replies.Select(r => r.Status), Has.All.EqualTo(0));
        Assert.That(replies.Select(r => r.TimeStampToken.TimeStampInfo.SerialNumber).Distinct().Count(), Is.EqualTo(60));
        await using var after = _pki.Ca.Database.CreateContext();
        Assert.That(await after.TimestampRecords.CountAsync(), Is.EqualTo(count + 60));
    }
}
