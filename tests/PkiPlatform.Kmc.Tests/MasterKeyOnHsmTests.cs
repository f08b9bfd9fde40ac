using PkiPlatform.CaCore.Storage;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Pkcs11;
using PkiPlatform.TestKit;

namespace PkiPlatform.Kmc.Tests;

/// <summary>
/// The KMC's master key protected by the HSM (SoftHSM2): it exists on disk only wrapped by an RSA-3072 key generated on
/// the token (sensitive, never extractable, as pkcs11-tool reports it), and a restarted KMC unwraps it there and releases
/// an archived key after two approvals.
/// </summary>
[NonParallelizable]
public sealed class MasterKeyOnHsmTests
{
    [Test]
    public async Task MasterKey_WrappedByANonExtractableTokenKey_SurvivesARestart_AndRecoveryReleases()
    {
        var hsm = SoftHsmToken.Shared;
        var keys = new Pkcs11KeyStore(new Pkcs11KeyStoreOptions { ModulePath = SoftHsmToken.ModulePath, TokenLabel = hsm.Label, Pin = hsm.Pin });
        await using var pki = await TestPki.CreateAsync(KeyAlgorithm.EcP256, keys: keys);
        var file = Path.Combine(pki.Directory, "kmc", "master.key");
        DualIssuedCertificate dual;
        using (var kmc = new KeyManagementCentre(pki.Ca, new KmcOptions { PoolSizes = new() { [KeyAlgorithm.EcP256] = 2 }, MasterKeyFile = file }))
        {
            await kmc.InitializeAsync();
            dual = await pki.Ca.Issuer.IssueDualAsync(new IssuanceRequest(TestCsr.Create(KeyAlgorithm.EcP256, "CN=Li Si,O=HRSS").Der, "staff-dual"), kmc, "test", "test");
        }

        Assert.That(new FileInfo(file).Length, Is.EqualTo(384), "on disk only as RSA-3072 OAEP ciphertext");
        var wrapping = keys.List().Single(k => k.Label.StartsWith(KeyManagementCentre.MasterKeyPrefix, StringComparison.Ordinal)).Label;
        var listed = ExternalTool.Run("pkcs11-tool", ["--module", SoftHsmToken.ModulePath, "--token-label", hsm.Label, "--login", "--pin", hsm.Pin, "--list-objects", "--type", "privkey", "--label", wrapping],
            environment: hsm.Environment);
        Assert.That(listed.ExitCode, Is.Zero, listed.ToString());
        Assert.That(listed.StdOut, Does.Contain(wrapping).And.Contain("never extractable").And.Contain("sensitive"), "the wrapping key stays on the token");

        // A restarted KMC (same token, same file) unwraps the master key on the token and recovers the archived key.
        using var restarted = new KeyManagementCentre(pki.Ca, new KmcOptions { PoolSizes = [], MasterKeyFile = file });
        await restarted.InitializeAsync(migrate: false);
        var first = await pki.AccountAsync("staff:kr1", "CN=Recovery One,O=HRSS", RaRole.KeyRecoveryOfficer);
        var second = await pki.AccountAsync("staff:kr2", "CN=Recovery Two,O=HRSS", RaRole.KeyRecoveryOfficer);
        var third = await pki.AccountAsync("staff:kr3", "CN=Recovery Three,O=HRSS", RaRole.KeyRecoveryOfficer);
        var newKey = await pki.IssueAsync("staff-signing", "CN=Li Si,O=HRSS", key: KeyAlgorithm.EcP256);
        var id = await restarted.RequestRecoveryAsync(pki.Ca.Options.IssuingAuthority, dual.Encryption.Serial, RecoveryKind.Subscriber, newKey.Der, first.Credential, "new USB key");
        await restarted.ApproveRecoveryAsync(id, second.Credential, "checked");
        var released = await restarted.ApproveRecoveryAsync(id, third.Credential, "checked");
        Assert.That(released.Envelope, Is.Not.Null);

        // Opened by OpenSSL with the new signing key: the recovered key is the certified encryption key.
        var envelope = Path.Combine(pki.Directory, "recovered.p7m");
        var encryption = Path.Combine(pki.Directory, "encryption.der");
        var opened = Path.Combine(pki.Directory, "recovered.der");
        await File.WriteAllBytesAsync(envelope, released.Envelope!.Der);
        await File.WriteAllBytesAsync(encryption, dual.Encryption.Der);
        var decrypted = ExternalTool.Run("openssl", "cms", "-decrypt", "-inform", "DER", "-in", envelope, "-recip", newKey.CertificatePath, "-inkey", newKey.KeyPath, "-out", opened);
        Assert.That(decrypted.ExitCode, Is.Zero, decrypted.ToString());
        var recoveredPublic = ExternalTool.Run("openssl", "pkey", "-inform", "DER", "-in", opened, "-pubout").StdOut.Trim();
        var certifiedPublic = ExternalTool.Run("openssl", "x509", "-inform", "DER", "-in", encryption, "-noout", "-pubkey").StdOut.Trim();
        Assert.That(recoveredPublic, Does.StartWith("-----BEGIN PUBLIC KEY-----").And.EqualTo(certifiedPublic));
    }
}
