namespace PkiPlatform.RaPortal;

/// <summary>Wakes the CA worker when a request becomes Approved (in-process; PostgreSQL adds NOTIFY).</summary>
public interface IRaWorkSignal
{
    void Signal();

    Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
