using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore.Crl;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.CaCore.Tests.Crl;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class CrlServiceTests(string provider)
{
    private TestPki _pki = null!;

    [SetUp]
    public async Task SetUp() => _pki = await TestPki.CreateAsync(provider: provider);

    [TearDown]
    public async Task TearDown()
    {
        // Null when SetUp was skipped (PostgreSQL not configured).
        if (_pki is not null)
        {
            await _pki.DisposeAsync();
        }
    }

    private async Task<X509Crl> PublishAsync(bool delta)
    {
        var authority = await _pki.Ca.Authorities.GetAsync("issuing");
        var published = await _pki.Ca.Crls.PublishAsync(authority, delta, "test");
        var crl = new X509CrlParser().ReadCrl(await File.ReadAllBytesAsync(published.Path));
        crl.Verify(new X509CertificateParser().ReadCertificate(_pki.IssuingDer).GetPublicKey());
        return crl;
    }

    [Test]
    public async Task Full_ListsRevokedWithReason_SignatureVerifies()
    {
        var revoked = await _pki.RevokedLeafAsync();
        var valid = await _pki.IssueAsync("staff-auth");

        var crl = await PublishAsync(delta: false);

        var entry = crl.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(revoked.Serial, 16));
        Assert.That(entry, Is.Not.Null);
        Assert.That(CrlReason.GetInstance(entry!.GetExtensionParsedValue(X509Extensions.ReasonCode)).IntValueExact, Is.EqualTo(CrlReason.KeyCompromise));
        Assert.That(crl.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(valid.Serial, 16)), Is.Null);
        Assert.That(crl.Version, Is.EqualTo(2));
    }

    [Test]
    public async Task Numbers_MonotonicAcrossFullAndDelta()
    {
        var first = await PublishAsync(delta: false);
        var delta = await PublishAsync(delta: true);
        var second = await PublishAsync(delta: false);
        static long Number(X509Crl c) => CrlNumber.GetInstance(c.GetExtensionParsedValue(X509Extensions.CrlNumber)).PositiveValue.LongValue;
        Assert.That(new[] { Number(first), Number(delta), Number(second) }, Is.Ordered.Ascending.And.Unique);
    }

    [Test]
    public async Task Delta_ListsNewRevocationAndReleasedHold_WithCriticalIndicator()
    {
        var held = await _pki.IssueAsync("staff-auth");
        await _pki.Ca.Revocations.RevokeAsync(held.Serial, RevocationReason.CertificateHold, null, "test");
        var full = await PublishAsync(delta: false);
        _pki.Clock.Advance(TimeSpan.FromMinutes(5));
        await _pki.Ca.Revocations.ReleaseHoldAsync(held.Serial, "test");
        var revoked = await _pki.RevokedLeafAsync(RevocationReason.Superseded);

        var delta = await PublishAsync(delta: true);

        var indicator = delta.GetExtension(X509Extensions.DeltaCrlIndicator);
        Assert.That(indicator!.IsCritical, Is.True);
        var released = delta.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(held.Serial, 16));
        Assert.That(CrlReason.GetInstance(released!.GetExtensionParsedValue(X509Extensions.ReasonCode)).IntValueExact, Is.EqualTo(CrlReason.RemoveFromCrl));
        Assert.That(delta.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(revoked.Serial, 16)), Is.Not.Null);
        Assert.That(full.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(revoked.Serial, 16)), Is.Null);
    }

    [Test]
    public async Task Delta_WithoutFull_ClearError()
    {
        await using var db = _pki.Ca.Database.CreateContext();
        var authority = await _pki.Ca.Authorities.GetAsync("issuing");
        var error = Assert.ThrowsAsync<PkiException>(() => _pki.Ca.Crls.PublishAsync(authority, delta: true, "test"))!;
        Assert.That(error.Message, Does.Contain("no full CRL yet"));
    }

    [Test]
    public async Task Empty_RevokedListAbsent_StillParses()
    {
        var crl = await PublishAsync(delta: false);
        Assert.That(crl.GetRevokedCertificates(), Is.Null.Or.Empty);
    }
}
