using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// Reconciles issuance intents that never completed: the process died, or the key or database failed,
/// between recording the intent and storing the signed certificate. Such a certificate never left the
/// process (it is handed out only after it is stored), so an intent older than the lease is dropped and
/// the drop audited with what it would have been. Completion checks that its intents still exist, so a
/// very slow issuance whose intent was dropped fails instead of issuing an unrecorded certificate.
/// </summary>
public sealed class StaleIntents(CaDatabase database, AuditTrail audit, TimeProvider clock)
{
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(10);

    private const int BatchSize = 500;

    /// <returns>How many intents were dropped.</returns>
    public async Task<int> AbandonAsync(TimeSpan lease, string actor, CancellationToken cancellationToken = default)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - lease;
        await using var db = database.CreateContext();
        var stale = await db.Certificates.AsNoTracking()
            .Where(c => c.Status == CertificateStatus.Intent && c.CreatedAt < cutoff)
            .OrderBy(c => c.Id).Take(BatchSize)
            .Select(c => new { c.Id, c.AuthorityId, c.Serial, c.Profile, c.SubjectDn, c.CreatedAt })
            .ToListAsync(cancellationToken);
        if (stale.Count == 0)
        {
            return 0;
        }

        var authorities = await db.Authorities.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = stale.Select(s => s.Id).ToList();
        // Only rows still in Intent: one that completed meanwhile is kept.
        var dropped = await db.Certificates.Where(c => ids.Contains(c.Id) && c.Status == CertificateStatus.Intent).ExecuteDeleteAsync(cancellationToken);
        if (dropped != stale.Count)
        {
            await transaction.RollbackAsync(cancellationToken);
            return 0; // Something completed while we looked; the next pass sees the current state.
        }

        await audit.AppendAsync(db, stale.Select(s => new AuditRecord(actor, AuditActions.IntentAbandoned,
            $"{authorities.GetValueOrDefault(s.AuthorityId, "?")}/{s.Serial}",
            $"profile={s.Profile}; subject={s.SubjectDn}; recorded={s.CreatedAt:O}; never signed and stored")).ToList(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stale.Count;
    }
}
