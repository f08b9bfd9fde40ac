using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Tsp;
using Org.BouncyCastle.Tsp;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;
using PkiPlatform.TokenService.Cms;

namespace PkiPlatform.TokenService.Tests.Cms;

/// <summary>
/// Trust-model item 14: a parser failure is the protocol's own refusal, never HTTP 500. Each input class
/// (TimeStampReq, SignedData, EnvelopedData, certificates) is mutated deterministically (every one of the
/// first bytes flipped, random bytes replaced, truncations) and sent to the running host over HTTPS.
/// </summary>
[NonParallelizable]
public sealed class MalformedInputTests
{
    private CmsTestPlatform _platform = null!;
    private HttpClient _http = null!;
    private string _signKey = "";
    private string _decryptKey = "";
    private byte[] _signed = [];
    private byte[] _enveloped = [];
    private byte[] _recipient = [];

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _platform = await CmsTestPlatform.StartAsync();
        var system = await _platform.Pki.IssueAsync("business-system", CmsTestPlatform.OwnerSubject, account: new CaCore.Issuance.AccountBinding(CmsTestPlatform.Owner));
        _http = _platform.ApiClient(system);
        _signKey = (await _platform.CreateKeyAsync(ServiceKeyUsage.Sign)).Key.KeyLabel;
        var decrypt = await _platform.CreateKeyAsync(ServiceKeyUsage.Decrypt, KeyAlgorithm.Rsa2048);
        _decryptKey = decrypt.Key.KeyLabel;
        _recipient = decrypt.Key.CertificateDer;
        _signed = await _platform.Signer.SignAsync(CmsTestPlatform.Owner, _signKey, "待遇核定"u8.ToArray(), false, false);
        _enveloped = CmsEnvelopeWriter.Encrypt("待遇核定"u8.ToArray(), [new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(_recipient)]);
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        _http?.Dispose();
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }

    /// <summary>The first 48 bytes flipped one by one, 80 random single-byte replacements, five truncations.</summary>
    private static IEnumerable<byte[]> Mutations(byte[] original)
    {
        var random = new Random(20261201);
        for (var i = 0; i < Math.Min(48, original.Length); i++)
        {
            var flipped = (byte[])original.Clone();
            flipped[i] ^= 0xFF;
            yield return flipped;
        }

        for (var i = 0; i < 80; i++)
        {
            var replaced = (byte[])original.Clone();
            replaced[random.Next(replaced.Length)] = (byte)random.Next(256);
            yield return replaced;
        }

        foreach (var length in new[] { 1, 2, 5, original.Length / 2, original.Length - 1 })
        {
            yield return original[..length];
        }
    }

    private static async Task AssertRefusedOrAnsweredAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.LessThan(500), $"{what}: {body}");
        if (!response.IsSuccessStatusCode)
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), what);
            var code = JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
            Assert.That(code, Does.StartWith("cms.").Or.StartWith("argument."), $"{what}: {body}");
        }
    }

    [Test]
    public async Task Tsa_VersionOutOfIntRange_RejectedWithBadDataFormat()
    {
        var imprint = new MessageImprint(new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(Org.BouncyCastle.Asn1.Nist.NistObjectIdentifiers.IdSha256, DerNull.Instance), new byte[32]);
        foreach (var version in new[] { Org.BouncyCastle.Math.BigInteger.One.ShiftLeft(40), Org.BouncyCastle.Math.BigInteger.One.ShiftLeft(200), Org.BouncyCastle.Math.BigInteger.ValueOf(-1), Org.BouncyCastle.Math.BigInteger.Two })
        {
            var query = new DerSequence(new DerInteger(version), imprint).GetDerEncoded();

            var response = await StampAsync(query);

            Assert.That(response.Status, Is.EqualTo((int)Org.BouncyCastle.Asn1.Cmp.PkiStatus.Rejection), version.ToString());
            Assert.That(response.GetFailInfo().IntValue, Is.EqualTo(Org.BouncyCastle.Asn1.Cmp.PkiFailureInfo.BadDataFormat), version.ToString());
            Assert.That(response.GetStatusString(), Does.Contain("version 1"));
        }
    }

    [Test]
    public async Task Tsa_MutatedRequests_AlwaysATimeStampResp()
    {
        var valid = new TimeStampRequestGenerator().Generate(TspAlgorithms.Sha256, new byte[32]).GetEncoded();
        var refused = 0;
        foreach (var mutated in Mutations(valid))
        {
            var response = await StampAsync(mutated);
            refused += response.Status == 0 ? 0 : 1;
        }

        Assert.That(refused, Is.GreaterThan(0));
    }

    private async Task<TimeStampResponse> StampAsync(byte[] query)
    {
        using var content = new ByteArrayContent(query);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/timestamp-query");
        using var response = await _http.PostAsync("/tsa", content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/timestamp-reply"));
        return new TimeStampResponse(await response.Content.ReadAsByteArrayAsync());
    }

    [Test]
    public async Task Verify_MutatedSignedData_ReportOrProblemNever500()
    {
        foreach (var mutated in Mutations(_signed))
        {
            using var response = await _http.PostAsJsonAsync("/api/v1/token/verify", new { signedData = Convert.ToBase64String(mutated) });
            await AssertRefusedOrAnsweredAsync(response, "verify");
        }
    }

    [Test]
    public async Task Decrypt_MutatedEnvelopedData_ProblemNever500()
    {
        foreach (var mutated in Mutations(_enveloped))
        {
            using var response = await _http.PostAsync($"/api/v1/token/decrypt?key={_decryptKey}", new ByteArrayContent(mutated));
            await AssertRefusedOrAnsweredAsync(response, "decrypt");
        }
    }

    [Test]
    public async Task EncryptAndVerifyRaw_MutatedCertificates_ProblemNever500()
    {
        foreach (var mutated in Mutations(_recipient))
        {
            var certificate = Convert.ToBase64String(mutated);
            using var encrypt = await _http.PostAsJsonAsync("/api/v1/token/encrypt", new { content = Convert.ToBase64String("x"u8.ToArray()), recipients = new[] { certificate } });
            await AssertRefusedOrAnsweredAsync(encrypt, "encrypt");
            using var raw = await _http.PostAsJsonAsync("/api/v1/token/verify-raw",
                new { data = "eA==", signature = "AAAA", certificate, algorithm = "SHA256withRSA", chain = new[] { certificate } });
            await AssertRefusedOrAnsweredAsync(raw, "verify-raw");
        }
    }
}
