using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PkiPlatform.OcspResponder.Host;

/// <summary>Runs <see cref="OcspResponderService.RefreshAsync"/> every StatusPollSeconds.</summary>
public sealed partial class ResponderRefreshService(OcspResponderService responder, TimeProvider clock, ILogger<ResponderRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(responder.Options.StatusPollSeconds), clock);
        var wasHealthy = true;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await responder.RefreshAsync(stoppingToken);
            if (wasHealthy != responder.StatusSourceHealthy)
            {
                wasHealthy = responder.StatusSourceHealthy;
                if (wasHealthy)
                {
                    StatusSourceBack(logger);
                }
                else
                {
                    StatusSourceLost(logger);
                }
            }
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "OCSP status source unreachable: serving cached responses until their nextUpdate, then tryLater")]
    private static partial void StatusSourceLost(ILogger logger);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "OCSP status source reachable again")]
    private static partial void StatusSourceBack(ILogger logger);
}
