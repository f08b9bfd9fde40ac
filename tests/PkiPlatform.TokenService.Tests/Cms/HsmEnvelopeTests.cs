using System.Text;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Pkcs11;
using PkiPlatform.TestKit;

namespace PkiPlatform.TokenService.Tests.Cms;

/// <summary>
/// The whole platform on a SoftHSM2 token: CA keys and the systems' decryption keys are generated there
/// (sensitive, non-extractable) and OpenSSL's envelopes are opened by C_Decrypt (RSA-OAEP) and C_DeriveKey (ECDH).
/// </summary>
[NonParallelizable]
public sealed class HsmEnvelopeTests
{
    private static readonly byte[] Document = Encoding.UTF8.GetBytes("工伤认定决定书 — opened inside the HSM\n");

    private CmsTestPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        var hsm = SoftHsmToken.Shared;
        _platform = await CmsTestPlatform.StartAsync(KeyAlgorithm.EcP256,
            new Pkcs11KeyStore(new Pkcs11KeyStoreOptions { ModulePath = SoftHsmToken.ModulePath, TokenLabel = hsm.Label, Pin = hsm.Pin }));
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }

    // SoftHSM2 2.6 offers RSA-OAEP with SHA-1 only: OpenSSL's OAEP default.
    [TestCase(KeyAlgorithm.Rsa2048, new[] { "-keyopt", "rsa_padding_mode:oaep" })]
    [TestCase(KeyAlgorithm.EcP256, new[] { "-keyopt", "ecdh_kdf_md:sha256" })]
    [TestCase(KeyAlgorithm.EcP384, new string[0])]
    public async Task DecryptAsync_HsmKey_OpensOpenSslEnvelope(KeyAlgorithm algorithm, string[] options)
    {
        var (key, certificate) = await _platform.CreateKeyAsync(ServiceKeyUsage.Decrypt, algorithm);
        var envelope = Path.Combine(_platform.Pki.Directory, $"hsm-envelope-{algorithm}.p7m");
        var input = _platform.Pki.WriteFile($"hsm-document-{algorithm}.txt", Document);
        var run = ExternalTool.Run(ExternalTool.Require("openssl"), ["cms", "-encrypt", "-binary", "-aes256", "-in", input, "-outform", "DER", "-out", envelope, "-recip", certificate, .. options]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());

        var opened = await _platform.Opener.DecryptAsync(CmsTestPlatform.Owner, key.KeyLabel, File.ReadAllBytes(envelope));

        Assert.That(opened, Is.EqualTo(Document));
        Assert.That(_platform.Pki.Keys.Backend, Is.EqualTo("pkcs11"));
    }

    [Test]
    public async Task SignAsync_HsmKey_OpenSslVerifies()
    {
        var (key, _) = await _platform.CreateKeyAsync(ServiceKeyUsage.Sign, KeyAlgorithm.EcP384);
        var signed = _platform.Pki.WriteFile("hsm-signed.p7m", await _platform.Signer.SignAsync(CmsTestPlatform.Owner, key.KeyLabel, Document, false, false));

        var run = ExternalTool.Run(ExternalTool.Require("openssl"), "cms", "-verify", "-binary", "-inform", "DER", "-in", signed, "-CAfile", _platform.Pki.RootPemPath, "-out", "/dev/null");

        Assert.That(run.StdErr, Does.Contain("Verification successful"), run.ToString());
    }
}
