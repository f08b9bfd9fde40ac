namespace PkiPlatform.CaCore.Issuance;

/// <summary>Wakes the CA worker when a request becomes Approved (in-process; PostgreSQL adds NOTIFY).</summary>
public interface IIssuanceSignal
{
    void Signal();

    Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
