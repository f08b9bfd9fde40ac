using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;

namespace PkiPlatform.Identity.Host;

/// <summary>
/// Every <see cref="IdentityProviderOptions.SessionSweepSeconds"/>: ends the sessions whose certificate or account
/// stopped being valid (<see cref="LoginSessions.SweepAsync"/>) and POSTs each relying party with a back-channel logout
/// URI a logout token (OpenID Connect Back-Channel Logout 1.0 §2.4: iss, aud, iat, exp, jti, sub, sid, events; typ
/// logout+jwt; signed like ID tokens). An undelivered logout is retried with back-off for ten minutes.
/// </summary>
internal sealed partial class BackChannelLogoutService(
    LoginSessions sessions,
    IServiceScopeFactory scopes,
    IOptionsMonitor<OpenIddictServerOptions> server,
    IdentityProviderOptions options,
    TimeProvider clock,
    ILogger<BackChannelLogoutService> logger) : BackgroundService
{
    private const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(3) };
    private readonly ConcurrentDictionary<long, (int Attempts, DateTimeOffset Next)> _retries = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.SessionSweepSeconds), clock);
        do
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                SweepFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task SweepOnceAsync(CancellationToken cancellationToken)
    {
        var ended = await sessions.SweepAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var id in _retries.Keys.Where(id => ended.All(e => e.Id != id)))
        {
            _retries.TryRemove(id, out _);
        }

        await Parallel.ForEachAsync(ended.Where(e => !_retries.TryGetValue(e.Id, out var retry) || retry.Next <= now),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (session, ct) =>
            {
                var error = await DeliverAsync(session, ct);
                await sessions.DeliveredAsync(session.Id, error, ct);
                if (error is null)
                {
                    _retries.TryRemove(session.Id, out _);
                    return;
                }

                var attempts = _retries.TryGetValue(session.Id, out var previous) ? previous.Attempts + 1 : 1;
                _retries[session.Id] = (attempts, clock.GetUtcNow().AddSeconds(Math.Min(60, 2 << Math.Min(attempts, 5))));
                DeliveryFailed(logger, session.ClientId, session.Sid, error);
            });
    }

    /// <summary>Null when delivered (or the client takes no back-channel logout); otherwise the failure.</summary>
    private async Task<string?> DeliverAsync(EndedSession session, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(session.ClientId, cancellationToken);
        if (application is null)
        {
            return null;
        }

        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        if (!properties.TryGetValue(RelyingPartyProperties.BackChannelLogoutUri, out var uri) || uri.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = session.ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(2),
            TokenType = "logout+jwt",
            SigningCredentials = server.CurrentValue.SigningCredentials[0],
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["jti"] = Guid.NewGuid().ToString("N"),
                ["sub"] = session.Subject,
                ["sid"] = session.Sid,
                ["events"] = new Dictionary<string, object>(StringComparer.Ordinal) { [LogoutEvent] = new Dictionary<string, object>() },
            },
        });
        try
        {
            using var response = await Http.PostAsync(uri.GetString(), new FormUrlEncodedContent([new("logout_token", token)]), cancellationToken);
            return response.IsSuccessStatusCode ? null : $"{uri.GetString()} answered {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return $"{uri.GetString()}: {ex.Message}";
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Back-channel logout to {ClientId} for session {Sid} not delivered: {Error}")]
    private static partial void DeliveryFailed(ILogger logger, string clientId, string sid, string error);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "Session sweep failed")]
    private static partial void SweepFailed(ILogger logger, Exception exception);
}
