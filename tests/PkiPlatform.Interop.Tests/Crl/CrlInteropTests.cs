using PkiPlatform.CaCore.Revocation;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Crl;

/// <summary>CRLs as OpenSSL and GnuTLS read them: signature, revoked status, delta CRLs.</summary>
public sealed class CrlInteropTests
{
    private TestPki _pki = null!;

    [SetUp]
    public async Task SetUp() => _pki = await TestPki.CreateAsync();

    [TearDown]
    public async Task TearDown()
    {
        // Null when SetUp was skipped (PostgreSQL not configured).
        if (_pki is not null)
        {
            await _pki.DisposeAsync();
        }
    }

    private async Task<string> PublishPemAsync(bool delta)
    {
        var authority = await _pki.Ca.Authorities.GetAsync("issuing");
        var published = await _pki.Ca.Crls.PublishAsync(authority, delta, "test");
        return _pki.WriteFile(delta ? "delta.crl.pem" : "full.crl.pem", System.Text.Encoding.ASCII.GetBytes(Pem.Crl(await File.ReadAllBytesAsync(published.Path))));
    }

    private ExternalTool.Result Verify(string certificate, params string[] crlArguments) =>
        Tools.OpenSsl(["verify", "-crl_check", .. crlArguments, "-CAfile", _pki.RootPemPath, "-untrusted", _pki.IssuingPemPath, certificate]);

    [Test]
    public async Task FullCrl_SignatureVerifies_OpenSslAndCertTool()
    {
        await _pki.RevokedLeafAsync();
        var crl = await PublishPemAsync(delta: false);

        var openssl = Tools.OpenSsl("crl", "-in", crl, "-CAfile", _pki.IssuingPemPath, "-noout");
        Assert.That(openssl.StdErr.Trim(), Is.EqualTo("verify OK"), openssl.ToString());
        var certtool = Tools.CertTool("--verify-crl", "--load-ca-certificate", _pki.IssuingPemPath, "--infile", crl);
        Assert.That(certtool.Output, Does.Contain("Verification output: Verified."), certtool.ToString());
    }

    [Test]
    public async Task RevokedCertificate_OpenSslCallsItRevoked_ValidOneOk()
    {
        var revoked = await _pki.RevokedLeafAsync();
        var valid = await _pki.IssueAsync("staff-auth");
        var crl = await PublishPemAsync(delta: false);

        Assert.That(Verify(revoked.CertificatePath, "-CRLfile", crl).Output, Does.Contain("certificate revoked"));
        var ok = Verify(valid.CertificatePath, "-CRLfile", crl);
        Assert.That(ok.StdOut.Trim(), Is.EqualTo($"{valid.CertificatePath}: OK"), ok.ToString());
    }

    [Test]
    public async Task DeltaCrl_HonouredWithUseDeltas()
    {
        var leaf = await _pki.IssueAsync("staff-auth");
        var full = await PublishPemAsync(delta: false);
        await _pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.Superseded, null, "test");
        var delta = await PublishPemAsync(delta: true);

        var withoutDelta = Verify(leaf.CertificatePath, "-CRLfile", full);
        Assert.That(withoutDelta.StdOut.Trim(), Is.EqualTo($"{leaf.CertificatePath}: OK"), "the full CRL predates the revocation");
        var withDelta = Verify(leaf.CertificatePath, "-use_deltas", "-CRLfile", full, "-CRLfile", delta);
        Assert.That(withDelta.Output, Does.Contain("certificate revoked"), withDelta.ToString());
    }

    [Test]
    public async Task HeldCertificate_RevokedUntilReleased()
    {
        var leaf = await _pki.IssueAsync("staff-auth");
        await _pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.CertificateHold, null, "test");
        Assert.That(Verify(leaf.CertificatePath, "-CRLfile", await PublishPemAsync(delta: false)).Output, Does.Contain("certificate revoked"));

        await _pki.Ca.Revocations.ReleaseHoldAsync(leaf.Serial, "test");
        var after = Verify(leaf.CertificatePath, "-CRLfile", await PublishPemAsync(delta: false));
        Assert.That(after.StdOut.Trim(), Is.EqualTo($"{leaf.CertificatePath}: OK"), after.ToString());
    }
}
