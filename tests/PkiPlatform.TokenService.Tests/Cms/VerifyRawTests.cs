using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Org.BouncyCastle.Security;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;
using PkiPlatform.TokenService.Cms;

namespace PkiPlatform.TokenService.Tests.Cms;

/// <summary>
/// verify-raw with signatures made by `openssl dgst` (and BouncyCastle for SM2): every allow-listed algorithm verifies, and the
/// same SHA-1 (or hashless) signature is refused under every alias, in the verifier and through the running host.
/// </summary>
[NonParallelizable]
public sealed class VerifyRawTests
{
    private static readonly byte[] Document = "缴费基数核定 2026"u8.ToArray();

    private CmsTestPlatform _platform = null!;
    private TestLeaf _ec = null!;
    private TestLeaf _rsa = null!;
    private TestLeaf _client = null!;
    private string _openssl = "";
    private string _documentPath = "";

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _openssl = ExternalTool.Require("openssl");
        _platform = await CmsTestPlatform.StartAsync();
        _ec = await _platform.Pki.IssueAsync("staff-signing", "CN=Raw Ec,O=HRSS", ["email:raw.ec@hrss.example"]);
        _rsa = await _platform.Pki.IssueAsync("staff-signing", "CN=Raw Rsa,O=HRSS", ["email:raw.rsa@hrss.example"], KeyAlgorithm.Rsa2048);
        _client = await _platform.Pki.IssueAsync("business-system", CmsTestPlatform.OwnerSubject, account: new CaCore.Issuance.AccountBinding(CmsTestPlatform.Owner));
        _documentPath = _platform.Pki.WriteFile("raw-document.txt", Document);
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }

    private byte[] OpenSslSign(TestLeaf leaf, params string[] options)
    {
        var output = Path.Combine(_platform.Pki.Directory, $"raw-{Guid.NewGuid():N}.sig");
        var run = ExternalTool.Run(_openssl, ["dgst", .. options, "-sign", leaf.KeyPath, "-out", output, _documentPath]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        return File.ReadAllBytes(output);
    }

    private static string Reasons(VerificationReport report) => string.Join("; ", report.Signers.SelectMany(s => s.Reasons));

    [TestCase("ec", "SHA256withECDSA", new[] { "-sha256" })]
    [TestCase("ec", "1.2.840.10045.4.3.2", new[] { "-sha256" })]
    [TestCase("ec", "SHA384withECDSA", new[] { "-sha384" })]
    [TestCase("ec", "SHA512withECDSA", new[] { "-sha512" })]
    [TestCase("ec", "1.2.840.10045.4.3.4", new[] { "-sha512" })]
    [TestCase("rsa", "SHA256withRSA", new[] { "-sha256" })]
    [TestCase("rsa", "1.2.840.113549.1.1.11", new[] { "-sha256" })]
    [TestCase("rsa", "SHA384withRSA", new[] { "-sha384" })]
    [TestCase("rsa", "SHA512withRSA", new[] { "-sha512" })]
    [TestCase("rsa", "SHA256withRSAandMGF1", new[] { "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest" })]
    [TestCase("rsa", "SHA512withRSAandMGF1", new[] { "-sha512", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest" })]
    public async Task VerifyRawAsync_AllowListedAlgorithm_ValidAndOtherDataInvalid(string key, string algorithm, string[] options)
    {
        var leaf = key == "ec" ? _ec : _rsa;
        var signature = OpenSslSign(leaf, options);

        var good = await _platform.Verifier.VerifyRawAsync(Document, signature, leaf.Der, algorithm);
        var other = await _platform.Verifier.VerifyRawAsync([.. Document, 0x0a], signature, leaf.Der, algorithm);

        Assert.That(good.Valid, Is.True, Reasons(good));
        Assert.That(other.Valid, Is.False);
        Assert.That(other.Signers[0].Reasons[0], Does.Contain("does not match the data"));
    }

    [Test]
    public async Task VerifyRawAsync_Sm3WithSm2_Valid()
    {
        var leaf = await _platform.Pki.IssueAsync("staff-signing", "CN=Raw Sm2,O=HRSS", ["email:raw.sm2@hrss.example"], KeyAlgorithm.Sm2);
        var signer = SignerUtilities.GetSigner("SM3withSM2");
        signer.Init(true, TestSignedData.PrivateKey(leaf));
        signer.BlockUpdate(Document, 0, Document.Length);
        var signature = signer.GenerateSignature();

        var report = await _platform.Verifier.VerifyRawAsync(Document, signature, leaf.Der, "1.2.156.10197.1.501");

        Assert.That(report.Valid, Is.True, Reasons(report));
    }

    [TestCase("1.2.840.10045.4.1")]
    [TestCase("SHA1withECDSA")]
    [TestCase("sha1withecdsa")]
    [TestCase("SHA1WITHECDSA")]
    [TestCase(" SHA1withECDSA")]
    [TestCase("ECDSA")]
    [TestCase("NONEwithECDSA")]
    [TestCase("SHA256WithECDSA")]
    public void VerifyRawAsync_Sha1EcdsaSignatureUnderAnyAlias_RefusedNamingTheAllowList(string alias)
    {
        var signature = OpenSslSign(_ec, "-sha1");

        var error = Assert.ThrowsAsync<PkiException>(() => _platform.Verifier.VerifyRawAsync(Document, signature, _ec.Der, alias));

        Assert.That(error!.Code, Is.EqualTo(TokenErrorCodes.CmsUnsupportedAlgorithm));
        Assert.That(error.Message, Does.Contain("refused by the algorithm policy: accepted exactly SHA256withECDSA, SHA384withECDSA"));
    }

    [TestCase("1.2.840.113549.1.1.5")]
    [TestCase("SHA1withRSA")]
    [TestCase("RSA")]
    [TestCase("1.2.840.113549.1.1.10")]
    public void VerifyRawAsync_Sha1RsaSignatureUnderAnyAlias_Refused(string alias)
    {
        var signature = OpenSslSign(_rsa, "-sha1");

        var error = Assert.ThrowsAsync<PkiException>(() => _platform.Verifier.VerifyRawAsync(Document, signature, _rsa.Der, alias));

        Assert.That(error!.Code, Is.EqualTo(TokenErrorCodes.CmsUnsupportedAlgorithm));
    }

    [TestCase("SHA256withRSA", "ec")]
    [TestCase("SHA256withRSAandMGF1", "ec")]
    [TestCase("SHA256withECDSA", "rsa")]
    [TestCase("SM3withSM2", "ec")]
    public void VerifyRawAsync_AlgorithmOfAnotherKeyType_RefusedWithReason(string algorithm, string key)
    {
        var leaf = key == "ec" ? _ec : _rsa;

        var error = Assert.ThrowsAsync<PkiException>(() => _platform.Verifier.VerifyRawAsync(Document, [1, 2, 3], leaf.Der, algorithm));

        Assert.That(error!.Message, Does.Contain($"signature algorithm {algorithm} does not fit the certificate's"));
    }

    [Test]
    public async Task VerifyRawAsync_GarbageSignature_InvalidNotAnException()
    {
        var report = await _platform.Verifier.VerifyRawAsync(Document, [0x30, 0x03, 0x02, 0x01], _ec.Der, "SHA256withECDSA");

        Assert.That(report.Valid, Is.False);
        Assert.That(report.Signers[0].Reasons[0], Does.Contain("does not match the data"));
    }

    [TestCase("1.2.840.10045.4.1")]
    [TestCase("ECDSA")]
    [TestCase("NONEwithECDSA")]
    [TestCase("sha1WithECDSA")]
    [TestCase("SHA256withECDSA ")]
    public async Task VerifyRaw_OverHttps_AliasRefused400(string alias)
    {
        using var http = _platform.ApiClient(_client);
        var signature = OpenSslSign(_ec, "-sha1");

        using var response = await http.PostAsJsonAsync("/api/v1/token/verify-raw", new
        {
            data = Convert.ToBase64String(Document), signature = Convert.ToBase64String(signature),
            certificate = Convert.ToBase64String(_ec.Der), algorithm = alias,
        });
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToString());
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("cms.unsupported_algorithm"));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("accepted exactly SHA256withECDSA"));
    }
}
