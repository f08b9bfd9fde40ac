namespace PkiPlatform.CaCore.Issuance;

/// <summary>The SQLite (single process) wake-up: a semaphore; the worker also polls, so a lost signal only delays.</summary>
public sealed class InProcessIssuanceSignal : IIssuanceSignal, IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Signal()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up serves every request approved meanwhile.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _semaphore.Dispose();
}
