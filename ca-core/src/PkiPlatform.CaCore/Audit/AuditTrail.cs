using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.CaCore.Audit;

/// <summary>
/// Appends to and verifies the hash-chained audit trail. <see cref="AppendAsync"/> runs inside the
/// caller's transaction, so an event exists exactly when the change it records does.
/// </summary>
public sealed class AuditTrail(TimeProvider clock)
{
    /// <summary>
    /// Chains <paramref name="records"/> after the current head. The first statement updates the head
    /// row: on PostgreSQL that takes its row lock, on SQLite the database write lock, so concurrent
    /// writers queue instead of forking the chain.
    /// </summary>
    public async Task AppendAsync(CaDbContext db, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("audit events must be written in the transaction of the change they record");
        }

        if (records.Count == 0)
        {
            return;
        }

        await db.Database.ExecuteSqlRawAsync("UPDATE audit_head SET sequence = sequence WHERE id = 1", cancellationToken);
        var head = await db.AuditHead.AsNoTracking().SingleAsync(h => h.Id == 1, cancellationToken);
        var timestamp = Truncate(clock.GetUtcNow().UtcDateTime);
        var previous = head.Hash;
        var sequence = head.Sequence;
        var events = new List<AuditEventEntity>(records.Count);
        foreach (var record in records)
        {
            var entity = new AuditEventEntity
            {
                Sequence = ++sequence,
                Timestamp = timestamp,
                Actor = record.Actor,
                Action = record.Action,
                Target = record.Target,
                Details = record.Details,
                PreviousHash = previous,
            };
            entity.Hash = AuditChain.ComputeHash(entity);
            previous = entity.Hash;
            events.Add(entity);
        }

        foreach (var chunk in events.Chunk(SqlBatch.MaxRows))
        {
            var parameters = new List<object?>(chunk.Length * 8);
            foreach (var e in chunk)
            {
                parameters.AddRange([e.Sequence, e.Timestamp, e.Actor, e.Action, e.Target, e.Details, e.PreviousHash, e.Hash]);
            }

            await SqlBatch.ExecuteAsync(db,
                "INSERT INTO audit_events (sequence, timestamp, actor, action, target, details, previous_hash, hash) VALUES " + SqlBatch.Values(chunk.Length, 8),
                parameters, cancellationToken);
        }

        await SqlBatch.ExecuteAsync(db, "UPDATE audit_head SET sequence = @p0, hash = @p1 WHERE id = 1", [sequence, previous], cancellationToken);
    }

    /// <summary>Walks the whole chain in order and reports the first link that does not hold.</summary>
    public static async Task<AuditVerification> VerifyAsync(CaDbContext db, CancellationToken cancellationToken)
    {
        var previous = new byte[32];
        long expected = 1;
        long count = 0;
        await foreach (var e in db.AuditEvents.AsNoTracking().OrderBy(a => a.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (e.Sequence != expected)
            {
                return AuditVerification.Broken(count, expected, $"event {expected} is missing (next present is {e.Sequence})");
            }

            if (!e.PreviousHash.AsSpan().SequenceEqual(previous))
            {
                return AuditVerification.Broken(count, e.Sequence, $"event {e.Sequence} does not link to event {e.Sequence - 1} (previous hash differs)");
            }

            if (!AuditChain.ComputeHash(e).AsSpan().SequenceEqual(e.Hash))
            {
                return AuditVerification.Broken(count, e.Sequence, $"event {e.Sequence} ({e.Action}) was altered (hash mismatch)");
            }

            previous = e.Hash;
            expected++;
            count++;
        }

        var head = await db.AuditHead.AsNoTracking().SingleAsync(h => h.Id == 1, cancellationToken);
        if (head.Sequence != count || !head.Hash.AsSpan().SequenceEqual(previous))
        {
            return AuditVerification.Broken(count, count + 1,
                $"the chain ends at event {count} but the head records event {head.Sequence}: events after {count} were deleted");
        }

        return AuditVerification.Intact(count);
    }

    private static DateTime Truncate(DateTime value) => new(value.Ticks / 10 * 10, DateTimeKind.Utc);
}
