using PkiPlatform.CaCore.Issuance;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.RaPortal.Tests;

/// <summary>Applications, dual control, roles and the CA worker, on SQLite and PostgreSQL.</summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class RegistrationAuthorityTests(string provider)
{
    private static int _applications;
    private TestPki _pki = null!;
    private PlatformCredential Alice = null!;
    private PlatformCredential Bob = null!;
    private PlatformCredential Carol = null!;
    private PlatformCredential Admin = null!;
    private PlatformCredential Payroll = null!;

    /// <summary>The anonymous Apply page: no certificate.</summary>
    private const PlatformCredential? Applicant = null;
    private RegistrationAuthority _ra = null!;
    private IssuanceWorker _worker = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _pki = await TestPki.CreateAsync(provider: provider);
        _ra = new RegistrationAuthority(_pki.Ca, new InProcessIssuanceSignal(), TimeProvider.System);
        _worker = new IssuanceWorker(_pki.Ca, TimeProvider.System);
        Admin = (await _pki.AccountAsync("staff:A0001", "CN=Dave Admin,O=HRSS", RaRole.RaAdmin)).Credential;
        Alice = (await _pki.AccountAsync("staff:A0002", "CN=Alice Officer,O=HRSS", RaRole.Officer)).Credential;
        Bob = (await _pki.AccountAsync("staff:A0003", "CN=Bob Officer,O=HRSS", RaRole.Officer)).Credential;
        Carol = (await _pki.AccountAsync("staff:A0004", "CN=Carol Auditor,O=HRSS", RaRole.Auditor)).Credential;
        Payroll = (await _pki.AccountAsync("system:payroll", "CN=Payroll System,O=HRSS")).Credential;
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_pki is not null)
        {
            await _pki.DisposeAsync();
        }
    }

    /// <summary>A fresh applicant each time: staff IDs and subjects belong to one account once issued.</summary>
    private static RaApplication Application(string profile = "staff-auth", KeyAlgorithm key = KeyAlgorithm.EcP256, string? subject = null, params string[] sans)
    {
        var n = Interlocked.Increment(ref _applications);
        return new(profile, TestCsr.Create(key, subject ?? $"CN=Zhang San {n},O=HRSS", sans).Der, "Zhang San", $"E{1000 + n}", "HRSS Bureau", "IT", "zhangsan@hrss.example");
    }

    private async Task<int> CountRequestsAsync()
    {
        await using var db = _pki.Ca.Database.CreateContext();
        return await db.RaRequests.CountAsync();
    }

    [Test]
    public async Task DualControl_TwoDistinctOfficers_ThenWorkerIssues()
    {
        var request = await _ra.SubmitAsync(Application(), Applicant);
        Assert.That((request.Status, request.RequiredApprovals), Is.EqualTo((RaRequestStatus.Pending, 2)));

        var first = await _ra.ApproveAsync(request.Id, Alice, "identity checked");
        Assert.That(first.Status, Is.EqualTo(RaRequestStatus.Pending), "one approval of two");
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _ra.ApproveAsync(request.Id, Alice, ""))!.Code, Is.EqualTo(RaErrorCodes.AlreadyDecided));

        var second = await _ra.ApproveAsync(request.Id, Bob, "");
        Assert.That(second.Status, Is.EqualTo(RaRequestStatus.Approved));

        Assert.That(await _worker.ProcessAsync(), Is.GreaterThanOrEqualTo(1));
        var done = await _ra.GetAsync(request.Id);
        Assert.That(done.Status, Is.EqualTo(RaRequestStatus.Done), done.Outcome);
        await using var db = _pki.Ca.Database.CreateContext();
        var certificate = await db.Certificates.SingleAsync(c => c.Serial == done.Serial);
        Assert.That(certificate.Status, Is.EqualTo(CertificateStatus.Issued));
    }

    [Test]
    public async Task OwnRequest_CannotBeApprovedBySubmitter()
    {
        var request = await _ra.SubmitAsync(Application(), Alice);
        var error = Assert.ThrowsAsync<PkiException>(() => _ra.ApproveAsync(request.Id, Alice, ""))!;
        Assert.That(error.Code, Is.EqualTo(RaErrorCodes.OwnRequest));
    }

    [TestCase("carol", "Auditor")]
    [TestCase("admin", "RaAdmin")]
    [TestCase("payroll", null)]
    public async Task Approve_WithoutOfficerRole_Forbidden(string name, string? holds)
    {
        var who = name switch { "carol" => Carol, "admin" => Admin, _ => Payroll };
        var request = await _ra.SubmitAsync(Application(), Applicant);
        var error = Assert.ThrowsAsync<PkiException>(() => _ra.ApproveAsync(request.Id, who, ""))!;
        Assert.That(error.Code, Is.EqualTo(RaErrorCodes.Forbidden));
        if (holds is not null)
        {
            Assert.That(error.Message, Does.Contain($"holds {holds}"));
        }
    }

    [TestCase("alice")]
    [TestCase("carol")]
    public void ChangeRoles_NotRaAdmin_Forbidden(string name) =>
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _ra.SetAccountAsync("staff:A0003", "M", RaRole.RaAdmin, true, name == "alice" ? Alice : Carol))!.Code, Is.EqualTo(RaErrorCodes.Forbidden));

    [Test]
    public async Task Reject_NeedsReason_ThenNeverIssued()
    {
        var request = await _ra.SubmitAsync(Application(), Applicant);
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _ra.RejectAsync(request.Id, Alice, " "))!.Message, Does.Contain("reason"));
        var rejected = await _ra.RejectAsync(request.Id, Alice, "staff ID does not match the HR record");
        Assert.That((rejected.Status, rejected.Outcome), Is.EqualTo((RaRequestStatus.Rejected, "staff ID does not match the HR record")));
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _ra.ApproveAsync(request.Id, Bob, ""))!.Code, Is.EqualTo(RaErrorCodes.NotPending));
    }

    [Test]
    public async Task Submit_BadInput_ClearErrorNothingStored()
    {
        var before = await CountRequestsAsync();
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _ra.SubmitAsync(Application(profile: "nope"), Applicant))!.Code, Is.EqualTo(PkiPlatform.CaCore.CaErrorCodes.UnknownProfile));
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _ra.SubmitAsync(Application() with { Csr = [0x30, 0x01] }, Applicant))!.Code, Is.EqualTo(PkiPlatform.CaCore.CaErrorCodes.BadCsr));
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _ra.SubmitAsync(Application(sans: "dns:not-allowed.example"), Applicant))!.Message, Does.Contain("dns is not allowed"));
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _ra.SubmitAsync(Application(subject: "CN=Eve\nRA Officer,O=HRSS"), Applicant))!.Message, Does.Contain("control"));
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _ra.SubmitAsync(Application() with { ApplicantName = "" }, Applicant))!.Message, Does.Contain("applicantName is required"));
        Assert.That(await CountRequestsAsync(), Is.EqualTo(before));
    }

    [Test]
    public void Preview_ShowsDecodedRequestAndRuleVerdicts()
    {
        var preview = _ra.Preview("server-tls", TestCsr.Create(KeyAlgorithm.Rsa2048, "CN=web,O=HRSS", "dns:web.hrss.example").Der);
        Assert.That((preview.KeyType, preview.Acceptable), Is.EqualTo(("RSA 2048", true)));
        Assert.That(preview.SubjectAltNames, Is.EqualTo(new[] { "dns:web.hrss.example" }));
        var bad = _ra.Preview("server-tls", TestCsr.Create(KeyAlgorithm.EcP256, "CN=web").Der);
        Assert.That(bad.Checks.Where(c => !c.Passed).Select(c => c.Rule), Is.EqualTo(new[] { "subject-alt-names" }));
    }

    [Test]
    public async Task Revocation_StaffAuthNeedsNoSecondOfficer_WorkerRevokes()
    {
        var leaf = await _pki.IssueAsync("staff-auth");
        var request = await _ra.RequestRevocationAsync(leaf.Serial, RevocationReason.KeyCompromise, Alice);
        Assert.That(request.Status, Is.EqualTo(RaRequestStatus.Approved));
        await _worker.ProcessAsync();
        await using var db = _pki.Ca.Database.CreateContext();
        Assert.That((await db.Certificates.SingleAsync(c => c.Serial == leaf.Serial)).Status, Is.EqualTo(CertificateStatus.Revoked));
    }

    [Test]
    public async Task Revocation_BusinessSystemNeedsSecondOfficer()
    {
        var leaf = await _pki.IssueAsync("business-system", "CN=Payroll,O=HRSS");
        var request = await _ra.RequestRevocationAsync(leaf.Serial, RevocationReason.CessationOfOperation, Alice);
        Assert.That(request.Status, Is.EqualTo(RaRequestStatus.Pending));
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _ra.ApproveAsync(request.Id, Alice, ""))!.Code, Is.EqualTo(RaErrorCodes.OwnRequest));
        Assert.That((await _ra.ApproveAsync(request.Id, Bob, "confirmed with system owner")).Status, Is.EqualTo(RaRequestStatus.Approved));
        await _worker.ProcessAsync();
        Assert.That((await _ra.GetAsync(request.Id)).Outcome, Does.StartWith("revoked"));
    }

    [Test]
    public async Task Hold_ThenRelease_ThroughTheRa()
    {
        var leaf = await _pki.IssueAsync("staff-auth");
        await _ra.RequestRevocationAsync(leaf.Serial, RevocationReason.CertificateHold, Alice);
        await _worker.ProcessAsync();
        await using (var db = _pki.Ca.Database.CreateContext())
        {
            Assert.That((await db.Certificates.SingleAsync(c => c.Serial == leaf.Serial)).Status, Is.EqualTo(CertificateStatus.OnHold));
        }

        var release = await _ra.RequestReleaseAsync(leaf.Serial, Bob);
        await _worker.ProcessAsync();
        Assert.That((await _ra.GetAsync(release.Id)).Outcome, Does.StartWith("released"));
        await using var check = _pki.Ca.Database.CreateContext();
        Assert.That((await check.Certificates.SingleAsync(c => c.Serial == leaf.Serial)).Status, Is.EqualTo(CertificateStatus.Issued));
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _ra.RequestReleaseAsync(leaf.Serial, Carol))!.Code, Is.EqualTo(RaErrorCodes.Forbidden));
    }

    [Test]
    public async Task Revocation_ByAuditor_Forbidden()
    {
        var leaf = await _pki.IssueAsync("staff-auth");
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _ra.RequestRevocationAsync(leaf.Serial, RevocationReason.Superseded, Carol))!.Code, Is.EqualTo(RaErrorCodes.Forbidden));
    }

    [Test]
    public async Task TwoWorkers_EachApprovedRequestIssuedOnce()
    {
        var ids = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            var request = await _ra.SubmitAsync(Application(profile: "server-tls", subject: $"CN=s{i}.hrss.example", sans: $"dns:s{i}.hrss.example") with { Account = "system:payroll" }, Payroll);
            await _ra.ApproveAsync(request.Id, Alice, "");
            ids.Add(request.Id);
        }

        var other = new IssuanceWorker(_pki.Ca, TimeProvider.System);
        await Task.WhenAll(Task.Run(() => _worker.ProcessAsync()), Task.Run(() => other.ProcessAsync()));

        await using var db = _pki.Ca.Database.CreateContext();
        var done = await db.RaRequests.Where(r => ids.Contains(r.Id)).ToListAsync();
        Assert.That(done.Select(r => r.Status), Has.All.EqualTo(RaRequestStatus.Done));
        var serials = done.Select(r => r.Serial).ToList();
        Assert.That(await db.Certificates.CountAsync(c => serials.Contains(c.Serial)), Is.EqualTo(12));
        Assert.That(await db.Certificates.CountAsync(c => c.Profile == "server-tls" && c.SubjectDn.StartsWith("CN=s")), Is.EqualTo(12), "no request issued twice");
    }
}
