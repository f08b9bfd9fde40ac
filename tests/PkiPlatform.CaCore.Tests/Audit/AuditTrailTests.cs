using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.TestKit;

namespace PkiPlatform.CaCore.Tests.Audit;

[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class AuditTrailTests(string provider)
{
    private TestPki _pki = null!;

    [SetUp]
    public async Task SetUp()
    {
        _pki = await TestPki.CreateAsync(provider: provider);
        await _pki.IssueAsync("staff-auth");
        await _pki.RevokedLeafAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        // Null when SetUp was skipped (PostgreSQL not configured).
        if (_pki is not null)
        {
            await _pki.DisposeAsync();
        }
    }

    private async Task<AuditVerification> VerifyAsync()
    {
        await using var db = _pki.Ca.Database.CreateContext();
        return await AuditTrail.VerifyAsync(db, default);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var db = _pki.Ca.Database.CreateContext();
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    [Test]
    public async Task Verify_Untouched_Intact()
    {
        var result = await VerifyAsync();
        Assert.That(result.IsIntact, Is.True, result.Message);
        Assert.That(result.VerifiedEvents, Is.GreaterThanOrEqualTo(8));
    }

    [Test]
    public async Task Verify_EditedDetails_ReportsThatEvent()
    {
        await ExecuteAsync("UPDATE audit_events SET details = 'profile=server-tls' WHERE sequence = 5");
        var result = await VerifyAsync();
        Assert.That((result.IsIntact, result.FirstBrokenSequence), Is.EqualTo((false, (long?)5)));
        Assert.That(result.Message, Does.Contain("event 5").And.Contain("altered"));
    }

    [Test]
    public async Task Verify_DeletedMiddleEvent_ReportsGap()
    {
        await ExecuteAsync("DELETE FROM audit_events WHERE sequence = 3");
        var result = await VerifyAsync();
        Assert.That(result.FirstBrokenSequence, Is.EqualTo(3));
        Assert.That(result.Message, Does.Contain("missing"));
    }

    [Test]
    public async Task Verify_DeletedTail_ReportsDeletion()
    {
        await ExecuteAsync("DELETE FROM audit_events WHERE sequence = (SELECT MAX(sequence) FROM audit_events)");
        var result = await VerifyAsync();
        Assert.That(result.IsIntact, Is.False);
        Assert.That(result.Message, Does.Contain("deleted"));
    }

    [Test]
    public async Task Verify_RehashedEdit_StillCaughtByNextLink()
    {
        // An attacker who edits an event and recomputes its own hash still breaks the link to the next one.
        await using (var db = _pki.Ca.Database.CreateContext())
        {
            var e = await db.AuditEvents.AsTracking().SingleAsync(a => a.Sequence == 4);
            e.Actor = "someone-else";
            e.Hash = AuditChain.ComputeHash(e);
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
        }

        var result = await VerifyAsync();
        Assert.That(result.FirstBrokenSequence, Is.EqualTo(5));
    }

    [Test]
    public async Task Append_OutsideTransaction_Refused()
    {
        await using var db = _pki.Ca.Database.CreateContext();
        Assert.ThrowsAsync<InvalidOperationException>(() => _pki.Ca.Audit.AppendAsync(db, [new AuditRecord("a", "b", "c", "d")], default));
    }
}
