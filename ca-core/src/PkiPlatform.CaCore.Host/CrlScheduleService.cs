using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PkiPlatform.CaCore;

namespace PkiPlatform.CaCore.Host;

/// <summary>
/// In the CA zone (the CA host, or <c>pki up</c>): republishes each CA's full CRL once half of its validity has passed, and a delta
/// CRL once half of the delta's, so relying parties never meet an expired CRL. Checked every minute.
/// </summary>
public sealed partial class CrlScheduleService(CertificateAuthority ca, TimeProvider clock, ILogger<CrlScheduleService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        do
        {
            try
            {
                await PublishDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                PublishFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task PublishDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var authority in await ca.Authorities.AllAsync(cancellationToken))
        {
            await using var db = ca.Database.CreateContext();
            var crls = db.Crls.AsNoTracking().Where(c => c.AuthorityId == authority.Id);
            var full = await crls.Where(c => c.BaseNumber == null).OrderByDescending(c => c.Number).FirstOrDefaultAsync(cancellationToken);
            var delta = await crls.Where(c => c.BaseNumber != null).OrderByDescending(c => c.Number).FirstOrDefaultAsync(cancellationToken);
            if (full is null || now - full.ThisUpdate >= (full.NextUpdate - full.ThisUpdate) / 2)
            {
                var published = await ca.Crls.PublishAsync(authority, delta: false, "ca:crl-schedule", cancellationToken);
                Published(logger, authority.Name, "full", published.Number);
            }
            else if (delta is null || delta.Number < full.Number || now - delta.ThisUpdate >= (delta.NextUpdate - delta.ThisUpdate) / 2)
            {
                var published = await ca.Crls.PublishAsync(authority, delta: true, "ca:crl-schedule", cancellationToken);
                Published(logger, authority.Name, "delta", published.Number);
            }
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Published {Kind} CRL #{Number} for CA {Authority}")]
    private static partial void Published(ILogger logger, string authority, string kind, long number);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Error, Message = "CRL publication failed; retrying in a minute")]
    private static partial void PublishFailed(ILogger logger, Exception exception);
}
