using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.RaPortal.Tests;

/// <summary>
/// A CA worker that dies (or whose database or key fails) mid-request: the claim is recovered after the lease —
/// completed from the audit trail if the CA acted, else done again — and never issues twice.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class WorkerRecoveryTests(string provider)
{
    private static int _applicants;
    private CaCore.Accounts.PlatformCredential _alice = null!;
    private CaCore.Accounts.PlatformCredential _bob = null!;

    private TestPki _pki = null!;
    private RegistrationAuthority _ra = null!;
    private IssuanceWorker _worker = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _pki = await TestPki.CreateAsync(provider: provider);
        _ra = new RegistrationAuthority(_pki.Ca, new InProcessIssuanceSignal(), TimeProvider.System);
        _worker = new IssuanceWorker(_pki.Ca, TimeProvider.System) { Lease = TimeSpan.FromMinutes(10) };
        _alice = (await _pki.AccountAsync("staff:A1", "CN=Alice Officer,O=HRSS", RaRole.Officer)).Credential;
        _bob = (await _pki.AccountAsync("staff:B2", "CN=Bob Officer,O=HRSS", RaRole.Officer)).Credential;
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        // Null when SetUp was skipped (PostgreSQL not configured).
        if (_pki is not null)
        {
            await _pki.DisposeAsync();
        }
    }

    private async Task<(RaRequestEntity Request, byte[] Csr)> ApprovedAsync(string subject)
    {
        var csr = TestCsr.Create(KeyAlgorithm.EcP256, subject, []).Der;
        var request = await _ra.SubmitAsync(new RaApplication("staff-auth", csr, "Li Si", $"E{2000 + Interlocked.Increment(ref _applicants)}", "HRSS Bureau", "IT", "lisi@hrss.example"), null);
        await _ra.ApproveAsync(request.Id, _alice, "");
        await _ra.ApproveAsync(request.Id, _bob, "");
        return (request, csr);
    }

    private async Task ClaimAsync(long id, DateTime claimedAt)
    {
        await using var db = _pki.Ca.Database.CreateContext();
        await db.RaRequests.Where(r => r.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(r => r.Status, RaRequestStatus.Processing).SetProperty(r => r.ClaimedAt, claimedAt));
    }

    private async Task<int> CertificatesOfAsync(string commonName)
    {
        await using var db = _pki.Ca.Database.CreateContext();
        return await db.Certificates.CountAsync(c => c.SubjectDn.Contains(commonName) && c.Status == CertificateStatus.Issued);
    }

    [Test]
    public async Task ProcessAsync_ClaimDiedBeforeIssuing_DoneAgainOnce()
    {
        var (request, _) = await ApprovedAsync("CN=Recovered Before,O=HRSS");
        await ClaimAsync(request.Id, DateTime.UtcNow.AddMinutes(-11));

        await _worker.ProcessAsync();

        var done = await _ra.GetAsync(request.Id);
        Assert.That(done.Status, Is.EqualTo(RaRequestStatus.Done), done.Outcome);
        Assert.That(await CertificatesOfAsync("Recovered Before"), Is.EqualTo(1));
    }

    [Test]
    public async Task ProcessAsync_ClaimDiedAfterIssuing_CompletedFromAuditNotIssuedTwice()
    {
        var (request, csr) = await ApprovedAsync("CN=Recovered After,O=HRSS");
        // The worker issued, then died before recording the outcome.
        var issued = await _pki.Ca.Issuer.IssueAsync(new IssuanceRequest(csr, "staff-auth"), $"ra:request/{request.Id}");
        await ClaimAsync(request.Id, DateTime.UtcNow.AddMinutes(-11));

        await _worker.ProcessAsync();

        var done = await _ra.GetAsync(request.Id);
        Assert.That((done.Status, done.Serial), Is.EqualTo((RaRequestStatus.Done, issued.Serial)), done.Outcome);
        Assert.That(done.Outcome, Does.Contain("audit trail"));
        Assert.That(await CertificatesOfAsync("Recovered After"), Is.EqualTo(1));
    }

    [Test]
    public async Task ProcessAsync_FreshClaim_LeftToItsWorker()
    {
        var (request, _) = await ApprovedAsync("CN=Still Working,O=HRSS");
        await ClaimAsync(request.Id, DateTime.UtcNow.AddMinutes(-1));

        await _worker.ProcessAsync();

        Assert.That((await _ra.GetAsync(request.Id)).Status, Is.EqualTo(RaRequestStatus.Processing));
    }

    [Test]
    public async Task AbandonAsync_StaleIntent_DroppedAndAudited_FreshIntentKept()
    {
        var authority = await _pki.Ca.Authorities.GetAsync("issuing");
        var now = _pki.Clock.GetUtcNow().UtcDateTime;
        await using (var db = _pki.Ca.Database.CreateContext())
        {
            foreach (var (serial, age) in new[] { ("0A11", 20), ("0A12", 1) })
            {
                db.Certificates.Add(new CertificateEntity
                {
                    AuthorityId = authority.Id, Serial = serial + provider.Length, Profile = "staff-auth", SubjectDn = "CN=Never Signed,O=HRSS",
                    NotBefore = now, NotAfter = now.AddDays(30), Status = CertificateStatus.Intent, CreatedAt = now.AddMinutes(-age),
                });
            }

            await db.SaveChangesAsync();
        }

        var dropped = await _pki.Ca.StaleIntents.AbandonAsync(TimeSpan.FromMinutes(10), "test");

        await using var check = _pki.Ca.Database.CreateContext();
        Assert.That(dropped, Is.EqualTo(1));
        Assert.That(await check.Certificates.Where(c => c.SubjectDn == "CN=Never Signed,O=HRSS").Select(c => c.Serial).ToListAsync(), Is.EqualTo(new[] { "0A12" + provider.Length }));
        Assert.That(await check.AuditEvents.CountAsync(e => e.Action == AuditActions.IntentAbandoned && e.Target.EndsWith("/0A11" + provider.Length)), Is.EqualTo(1));
        Assert.That((await AuditTrail.VerifyAsync(check, default)).IsIntact, Is.True);
    }
}
