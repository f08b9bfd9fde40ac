using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Issuance;

namespace PkiPlatform.CaCore.Host;

/// <summary>
/// Runs the CA worker: woken by PostgreSQL NOTIFY (any process) or the in-process signal (SQLite), and
/// every few seconds regardless, so a missed wake-up only delays.
/// </summary>
public sealed partial class IssuanceWorkerService(IssuanceWorker worker, IIssuanceSignal signal, CertificateAuthority ca, ILogger<IssuanceWorkerService> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        NpgsqlConnection? listener = null;
        try
        {
            if (ca.Database.IsPostgres)
            {
                await using var db = ca.Database.CreateContext();
                listener = new NpgsqlConnection(Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetConnectionString(db.Database));
                await listener.OpenAsync(stoppingToken);
                listener.Notification += (_, _) => signal.Signal();
                await using var listen = new NpgsqlCommand("LISTEN " + IssuanceWorker.NotifyChannel, listener);
                await listen.ExecuteNonQueryAsync(stoppingToken);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var processed = await worker.ProcessAsync(stoppingToken);
                    if (processed > 0)
                    {
                        Processed(logger, processed);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Failed(logger, ex);
                }

                var wait = signal.WaitAsync(Poll, stoppingToken);
                if (listener is not null)
                {
                    await Task.WhenAny(wait, listener.WaitAsync(Poll, stoppingToken));
                }
                else
                {
                    await wait;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (listener is not null)
            {
                await listener.DisposeAsync();
            }
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "CA worker completed {Count} approved requests")]
    private static partial void Processed(ILogger logger, int count);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "CA worker pass failed; retrying")]
    private static partial void Failed(ILogger logger, Exception exception);
}
