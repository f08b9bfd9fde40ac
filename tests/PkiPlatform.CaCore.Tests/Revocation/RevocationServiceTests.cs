using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.CaCore.Tests.Revocation;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class RevocationServiceTests(string provider)
{
    private TestPki _pki = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp() => _pki = await TestPki.CreateAsync(provider: provider);

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_pki is not null)
        {
            await _pki.DisposeAsync();
        }
    }

    [Test]
    public async Task Revoke_WithReasonAndInvalidityDate_Recorded()
    {
        var leaf = await _pki.IssueAsync("staff-auth");
        var invalid = _pki.Clock.GetUtcNow().UtcDateTime.AddDays(-2);
        var row = await _pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.KeyCompromise, invalid, "officer");
        Assert.That((row.Status, row.RevocationReason), Is.EqualTo((CertificateStatus.Revoked, (int?)1)));
        Assert.That(row.InvalidityDate, Is.EqualTo(new DateTime(invalid.Ticks - invalid.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc)));
    }

    [Test]
    public async Task Revoke_Twice_ClearError()
    {
        var leaf = await _pki.RevokedLeafAsync();
        var error = Assert.ThrowsAsync<PkiException>(() => _pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.Superseded, null, "officer"))!;
        Assert.That(error.Code, Is.EqualTo(CaErrorCodes.AlreadyRevoked));
        Assert.That(error.Message, Does.Contain("already revoked").And.Contain("keyCompromise"));
    }

    [Test]
    public void Revoke_UnknownSerial_ClearError()
    {
        var error = Assert.ThrowsAsync<PkiException>(() => _pki.Ca.Revocations.RevokeAsync("7FFF0000", RevocationReason.Unspecified, null, "officer"))!;
        Assert.That(error.Code, Is.EqualTo(CaErrorCodes.UnknownSerial));
    }

    [Test]
    public async Task Revoke_FutureInvalidityDate_Refused()
    {
        var leaf = await _pki.IssueAsync("staff-auth");
        var error = Assert.ThrowsAsync<PkiException>(() => _pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.KeyCompromise, DateTime.UtcNow.AddDays(3), "officer"))!;
        Assert.That(error.Message, Does.Contain("future"));
    }

    [Test]
    public async Task Hold_ThenRelease_ValidAgain()
    {
        var leaf = await _pki.IssueAsync("staff-auth");
        var held = await _pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.CertificateHold, null, "officer");
        Assert.That(held.Status, Is.EqualTo(CertificateStatus.OnHold));

        var released = await _pki.Ca.Revocations.ReleaseHoldAsync(leaf.Serial, "officer");

        Assert.That((released.Status, released.RevokedAt, released.RevocationReason), Is.EqualTo((CertificateStatus.Issued, (DateTime?)null, (int?)null)));
    }

    [Test]
    public async Task Hold_ThenRevokeForGood_KeepsHoldTime()
    {
        var leaf = await _pki.IssueAsync("staff-auth");
        var held = await _pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.CertificateHold, null, "officer");
        _pki.Clock.Advance(TimeSpan.FromHours(1));
        var revoked = await _pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.KeyCompromise, null, "officer");
        Assert.That((revoked.Status, revoked.RevokedAt), Is.EqualTo((CertificateStatus.Revoked, held.RevokedAt)));
    }

    [Test]
    public async Task Release_NotOnHold_ClearError()
    {
        var leaf = await _pki.IssueAsync("staff-auth");
        var error = Assert.ThrowsAsync<PkiException>(() => _pki.Ca.Revocations.ReleaseHoldAsync(leaf.Serial, "officer"))!;
        Assert.That(error.Code, Is.EqualTo(CaErrorCodes.NotOnHold));
    }

    [TestCase("keycompromise", RevocationReason.KeyCompromise)]
    [TestCase("certificateHold", RevocationReason.CertificateHold)]
    public void Reasons_Parse_CaseInsensitive(string name, RevocationReason expected) =>
        Assert.That(RevocationReasons.Parse(name), Is.EqualTo(expected));

    [TestCase("removeFromCRL")]
    [TestCase("stolen")]
    public void Reasons_NotForRevocation_Refused(string name) =>
        Assert.That(Assert.Throws<PkiException>(() => RevocationReasons.Parse(name))!.Message, Does.Contain("use one of"));
}
