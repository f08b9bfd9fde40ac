using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PkiPlatform.CaCore;

namespace PkiPlatform.Cli;

/// <summary>
/// Writes a signed audit checkpoint (trust-model item 7) every ten minutes while the chain grows, and once more on
/// shutdown, to DATA/publish/audit, time-stamped by the platform's TSA, and logs its head so that the log holds the anchor too.
/// </summary>
internal sealed partial class AuditCheckpointService(CertificateAuthority ca, string directory, TimeProvider clock, ILogger<AuditCheckpointService> logger,
    TokenService.TimeStampAuthority? tsa = null) : BackgroundService
{
    private long _written = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(10), clock);
        do
        {
            await WriteAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await WriteAsync(cancellationToken);
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using (var db = ca.Database.CreateContext())
            {
                var head = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.AuditHead, h => h.Id == 1, cancellationToken);
                if (head.Sequence == _written)
                {
                    return;
                }
            }

            var (checkpoint, path) = await ca.AuditCheckpoints.WriteAsync(directory, "pki-up",
                tsa is null ? null : (digest, ct) => tsa.StampAsync(digest, "audit-checkpoint", ct), cancellationToken);
            _written = checkpoint.Sequence;
            Written(logger, checkpoint.Sequence, Convert.ToHexString(checkpoint.HeadHash), path);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Audit checkpoint: event {Sequence}, head {Hash}, written to {Path}")]
    private static partial void Written(ILogger logger, long sequence, string hash, string path);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Error, Message = "Writing the audit checkpoint failed; retrying at the next interval")]
    private static partial void Failed(ILogger logger, Exception exception);
}
