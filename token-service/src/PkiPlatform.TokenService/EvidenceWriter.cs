using System.Threading.Channels;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.TokenService;

/// <summary>
/// Group commit for time-stamp evidence: concurrent requests hand in their records, one writer stores
/// whatever has queued up in one transaction, and each request gets its token only after its record
/// is committed. One commit per batch instead of one per token.
/// </summary>
public sealed class EvidenceWriter : IAsyncDisposable
{
    private const int MaxBatch = 500;
    private readonly CaDatabase _database;
    private readonly Channel<(TimestampRecordEntity Record, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(TimestampRecordEntity, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public EvidenceWriter(CaDatabase database)
    {
        _database = database;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Completes when the record is committed; throws if it could not be.</summary>
    public Task RecordAsync(TimestampRecordEntity record)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((record, done)))
        {
            done.SetException(new InvalidOperationException("the evidence writer has stopped"));
        }

        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<(TimestampRecordEntity Record, TaskCompletionSource Done)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await using var db = _database.CreateContext();
                db.TimestampRecords.AddRange(batch.Select(b => b.Record));
                await db.SaveChangesAsync();
                foreach (var (_, done) in batch)
                {
                    done.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                // Every waiter learns that its evidence is not stored; none of their tokens is released.
                foreach (var (_, done) in batch)
                {
                    done.TrySetException(ex);
                }
            }
        }
    }
}
