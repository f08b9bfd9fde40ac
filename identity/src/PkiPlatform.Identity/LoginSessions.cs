using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.Identity;

/// <summary>A session that ended and whose relying party is to be told (back-channel logout).</summary>
public sealed record EndedSession(long Id, string Sid, string Subject, string ClientId, string Reason);

/// <summary>
/// Issue 12's "the login session is tied to the certificate": every sign-in is a session row; <see cref="SweepAsync"/>
/// (run every couple of seconds by the host) ends the sessions whose login certificate is no longer valid in the CA's
/// records (revoked, on hold, expired) or whose account was disabled, revokes their authorization's codes and tokens,
/// audits each end, and returns them for back-channel logout. Refresh and code exchange also refuse an ended session.
/// </summary>
public sealed class LoginSessions(IServiceScopeFactory scopes, CertificateAuthority ca)
{
    /// <summary>Ended sessions whose logout was not delivered are retried this long.</summary>
    public static readonly TimeSpan DeliveryWindow = TimeSpan.FromMinutes(10);

    private const int Chunk = 500;

    /// <summary>Records a sign-in; returns its <c>sid</c>.</summary>
    public async Task<string> StartAsync(string subject, long certificateId, string clientId, string authorizationId, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var now = ca.Clock.GetUtcNow().UtcDateTime;
        var session = new LoginSessionEntity
        {
            Sid = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18)),
            Subject = subject,
            CertificateId = certificateId,
            ClientId = clientId,
            AuthorizationId = authorizationId,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        db.Sessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return session.Sid;
    }

    /// <summary>Why a session may no longer be used (ended, or unknown), or null while it is live.</summary>
    public async Task<string?> RefusalAsync(string? sid, CancellationToken cancellationToken = default)
    {
        if (sid is null)
        {
            return "the grant names no login session; sign in again";
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var session = await db.Sessions.AsNoTracking().Where(s => s.Sid == sid).Select(s => new { s.EndedAt, s.EndReason }).FirstOrDefaultAsync(cancellationToken);
        return session is null ? "the login session is unknown; sign in again"
            : session.EndedAt is not null ? $"the login session ended ({session.EndReason}); sign in again" : null;
    }

    /// <summary>RP-initiated logout: ends the relying party's own session (it knows already; no logout token is sent to it).</summary>
    public async Task EndByRelyingPartyAsync(string sid, string clientId, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.Sid == sid && s.ClientId == clientId && s.EndedAt == null, cancellationToken);
        if (session is not null)
        {
            await EndAsync(scope.ServiceProvider, db, [session], "rp_logout", delivered: true, cancellationToken);
        }
    }

    /// <summary>
    /// Ends every live session whose certificate or account stopped being valid, and returns those (and recently ended
    /// ones not yet delivered) whose relying parties are to be sent a logout token.
    /// </summary>
    public async Task<IReadOnlyList<EndedSession>> SweepAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var now = ca.Clock.GetUtcNow().UtcDateTime;
        var live = await db.Sessions.Where(s => s.EndedAt == null).ToListAsync(cancellationToken);
        var ended = new Dictionary<string, List<LoginSessionEntity>>(StringComparer.Ordinal);
        void End(LoginSessionEntity session, string reason)
        {
            if (!ended.TryGetValue(reason, out var list))
            {
                ended[reason] = list = [];
            }

            list.Add(session);
        }

        foreach (var session in live.Where(s => s.ExpiresAt <= now))
        {
            End(session, "expired");
        }

        var watched = live.Where(s => s.ExpiresAt > now).ToList();
        await using (var caDb = ca.Database.CreateContext())
        {
            foreach (var chunk in watched.Chunk(Chunk))
            {
                var ids = chunk.Select(s => s.CertificateId).Distinct().ToList();
                var certificates = await caDb.Certificates.AsNoTracking().Where(c => ids.Contains(c.Id))
                    .Select(c => new { c.Id, c.Status, c.NotAfter }).ToDictionaryAsync(c => c.Id, cancellationToken);
                var subjects = chunk.Select(s => s.Subject).Distinct().ToList();
                var active = (await caDb.RaAccounts.AsNoTracking().Where(a => subjects.Contains(a.Identity) && a.Active).Select(a => a.Identity).ToListAsync(cancellationToken))
                    .ToHashSet(StringComparer.Ordinal);
                foreach (var session in chunk)
                {
                    if (!certificates.TryGetValue(session.CertificateId, out var certificate) || certificate.Status == CertificateStatus.Revoked)
                    {
                        End(session, "certificate_revoked");
                    }
                    else if (certificate.Status == CertificateStatus.OnHold)
                    {
                        End(session, "certificate_on_hold");
                    }
                    else if (certificate.NotAfter <= now)
                    {
                        End(session, "certificate_expired");
                    }
                    else if (!active.Contains(session.Subject))
                    {
                        End(session, "account_disabled");
                    }
                }
            }
        }

        foreach (var (reason, sessions) in ended)
        {
            await EndAsync(scope.ServiceProvider, db, sessions, reason, delivered: reason == "expired", cancellationToken);
        }

        var since = now - DeliveryWindow;
        return await db.Sessions.AsNoTracking()
            .Where(s => s.EndedAt != null && s.EndedAt > since && s.LogoutDeliveredAt == null)
            .OrderBy(s => s.Id).Take(1000)
            .Select(s => new EndedSession(s.Id, s.Sid, s.Subject, s.ClientId, s.EndReason ?? ""))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Records the outcome of a logout token's delivery (null error: delivered, or nothing to deliver to).</summary>
    public async Task DeliveredAsync(long id, string? error, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var now = ca.Clock.GetUtcNow().UtcDateTime;
        await db.Sessions.Where(s => s.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.LogoutDeliveredAt, s => error == null ? now : s.LogoutDeliveredAt)
            .SetProperty(s => s.LogoutError, error), cancellationToken);
    }

    private async Task EndAsync(IServiceProvider services, IdentityDbContext db, IReadOnlyList<LoginSessionEntity> sessions, string reason, bool delivered, CancellationToken cancellationToken)
    {
        var now = ca.Clock.GetUtcNow().UtcDateTime;
        var tokens = services.GetRequiredService<IOpenIddictTokenManager>();
        var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
        foreach (var session in sessions)
        {
            session.EndedAt = now;
            session.EndReason = reason;
            session.LogoutDeliveredAt = delivered ? now : null;
            // Codes, refresh and access tokens of this sign-in: introspection answers inactive from now on.
            await tokens.RevokeByAuthorizationIdAsync(session.AuthorizationId, cancellationToken);
            if (await authorizations.FindByIdAsync(session.AuthorizationId, cancellationToken) is { } authorization)
            {
                await authorizations.TryRevokeAsync(authorization, cancellationToken);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await using var caDb = ca.Database.CreateContext();
        await using var transaction = await caDb.Database.BeginTransactionAsync(cancellationToken);
        await ca.Audit.AppendAsync(caDb, [.. sessions.Select(s => new AuditRecord("identity-provider", "oidc.session_ended", s.Subject,
            $"sid={s.Sid}; client={s.ClientId}; certificate={s.CertificateId}; reason={reason}"))], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
