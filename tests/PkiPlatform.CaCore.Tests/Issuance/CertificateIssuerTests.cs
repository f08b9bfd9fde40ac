using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.CaCore.Tests.Issuance;

/// <summary>The same storage-backed tests against SQLite and a real PostgreSQL server.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class CertificateIssuerTests(string provider)
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

    private async Task<int> CountAsync()
    {
        await using var db = _pki.Ca.Database.CreateContext();
        return await db.Certificates.CountAsync();
    }

    private async Task<long> AuditCountAsync()
    {
        await using var db = _pki.Ca.Database.CreateContext();
        return await db.AuditEvents.LongCountAsync();
    }

    [Test]
    public async Task Issue_StaffAuth_StoredWithAuditEvent()
    {
        var before = await AuditCountAsync();
        var leaf = await _pki.IssueAsync("staff-auth", "CN=Li Lei,O=HRSS", ["email:lilei@example.org"]);

        await using var db = _pki.Ca.Database.CreateContext();
        var row = await db.Certificates.SingleAsync(c => c.Serial == leaf.Serial);
        Assert.That(row.Status, Is.EqualTo(CertificateStatus.Issued));
        Assert.That(row.Der, Is.EqualTo(leaf.Der));
        var audit = await db.AuditEvents.OrderByDescending(e => e.Sequence).FirstAsync();
        Assert.That((audit.Action, audit.Target), Is.EqualTo(("certificate.issued", $"issuing/{leaf.Serial}")));
        Assert.That(await AuditCountAsync(), Is.EqualTo(before + 1));
    }

    [Test]
    public async Task Issue_CsrAsksForCa_ProfileDecidesExtensions()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Sneaky", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509KeyUsageExtension(System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.KeyCertSign, true));

        var issued = await _pki.Ca.Issuer.IssueAsync(new IssuanceRequest(request.CreateSigningRequest(), "staff-auth"), "test");

        var certificate = X509CertificateStructure.GetInstance(issued.Der);
        var constraints = BasicConstraints.GetInstance(certificate.TbsCertificate.Extensions.GetExtensionParsedValue(X509Extensions.BasicConstraints));
        var usage = KeyUsage.GetInstance(certificate.TbsCertificate.Extensions.GetExtensionParsedValue(X509Extensions.KeyUsage));
        Assert.That(constraints.IsCA(), Is.False);
        Assert.That(usage.IntValue, Is.EqualTo(KeyUsage.DigitalSignature));
    }

    [Test]
    public async Task Issue_LongerThanIssuer_ClippedToIssuerNotAfter()
    {
        await using var pki = await TestPki.CreateAsync(provider: provider, options: null);
        var issuing = X509CertificateStructure.GetInstance(pki.IssuingDer);
        pki.Clock.SetUtcNow(issuing.EndDate.ToDateTime().AddDays(-10));

        var leaf = await pki.IssueAsync("staff-auth");

        Assert.That(X509CertificateStructure.GetInstance(leaf.Der).EndDate.ToDateTime(), Is.EqualTo(issuing.EndDate.ToDateTime()));
    }

    [TestCase("no-such-profile", CaErrorCodes.UnknownProfile)]
    [TestCase("server-tls", CaErrorCodes.ProfileViolation)]
    public async Task Issue_Refused_NothingWritten(string profile, string code)
    {
        var certificates = await CountAsync();
        var events = await AuditCountAsync();
        var csr = TestCsr.Create(KeyAlgorithm.EcP256, "CN=x").Der; // server-tls requires a SAN

        var error = Assert.ThrowsAsync<PkiException>(() => _pki.Ca.Issuer.IssueAsync(new IssuanceRequest(csr, profile), "test"))!;

        Assert.That(error.Code, Is.EqualTo(code));
        Assert.That(await CountAsync(), Is.EqualTo(certificates));
        Assert.That(await AuditCountAsync(), Is.EqualTo(events));
    }

    [Test]
    public async Task Issue_MalformedCsr_NothingWritten()
    {
        var certificates = await CountAsync();
        var error = Assert.ThrowsAsync<PkiException>(() => _pki.Ca.Issuer.IssueAsync(new IssuanceRequest([0x30, 0x03, 0x02, 0x01], "staff-auth"), "test"))!;
        Assert.That(error.Code, Is.EqualTo(CaErrorCodes.BadCsr));
        Assert.That(await CountAsync(), Is.EqualTo(certificates));
    }

    [Test]
    public void Issue_ValidityBeyondProfile_Refused()
    {
        var csr = TestCsr.Create(KeyAlgorithm.EcP256, "CN=x").Der;
        var error = Assert.ThrowsAsync<PkiException>(() => _pki.Ca.Issuer.IssueAsync(new IssuanceRequest(csr, "staff-auth", 5000), "test"))!;
        Assert.That(error.Message, Does.Contain("allows 1..730"));
    }

    [Test]
    public async Task Serial_DuplicateForSameIssuer_RefusedByDatabase()
    {
        var leaf = await _pki.IssueAsync("staff-auth");
        await using var db = _pki.Ca.Database.CreateContext();
        var existing = await db.Certificates.AsNoTracking().SingleAsync(c => c.Serial == leaf.Serial);
        db.Certificates.Add(new CertificateEntity
        {
            AuthorityId = existing.AuthorityId, Serial = existing.Serial, Profile = "staff-auth", SubjectDn = "CN=dup",
            NotBefore = existing.NotBefore, NotAfter = existing.NotAfter, CreatedAt = existing.CreatedAt, Status = CertificateStatus.Intent,
        });
        Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Test]
    public async Task IssueBatch_ManyCertificates_AllStoredDistinctSerials()
    {
        var requests = Enumerable.Range(0, 50).Select(i => new IssuanceRequest(TestCsr.Create(KeyAlgorithm.EcP256, $"CN=batch {i}").Der, "staff-auth")).ToList();
        var issued = await _pki.Ca.Issuer.IssueBatchAsync(requests, "test");
        Assert.That(issued.Select(c => c.Serial).Distinct().Count(), Is.EqualTo(50));
    }
}
