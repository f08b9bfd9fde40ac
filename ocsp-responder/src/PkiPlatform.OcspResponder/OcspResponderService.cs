using System.Data.Common;
using System.Diagnostics;
using Org.BouncyCastle.Ocsp;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Issuance;

namespace PkiPlatform.OcspResponder;

/// <summary>
/// The responder: answers from pre-signed responses where it can (requests without a nonce), signs
/// live where it must (nonces, several CertIDs), and never answers "good" when it cannot know:
/// without the database and without an unexpired cached response it says tryLater.
/// </summary>
public sealed class OcspResponderService
{
    private readonly CertificateAuthority _ca;
    private readonly CertificateStatusSource _statuses;
    private readonly OcspResponderOptions _options;
    private readonly TimeProvider _clock;
    private readonly ResponseCache _cache;
    /// <summary>
    /// How far back each poll looks, by the CA's own timestamps: wide enough for clock skew between CA
    /// writers and this replica. Entries whose status did not change are not re-signed, so the width is cheap.
    /// </summary>
    private static readonly TimeSpan ChangeWindow = TimeSpan.FromMinutes(5);

    private volatile IssuerIndex? _index;
    private DateTime? _changeCursor;

    public OcspResponderService(CertificateAuthority ca, OcspResponderOptions options, TimeProvider clock, OcspMetrics metrics)
    {
        options.Validate();
        _ca = ca;
        _options = options;
        _clock = clock;
        Metrics = metrics;
        _statuses = new CertificateStatusSource(ca.Database);
        _cache = new ResponseCache(options.MaxCacheBytes);
    }

    public OcspMetrics Metrics { get; }

    public OcspResponderOptions Options => _options;

    public int CachedResponses => _cache.Count;

    /// <summary>Bytes the response cache accounts for.</summary>
    public long CachedBytes => _cache.Bytes;

    /// <summary>The responder's clock, for HTTP cache lifetimes.</summary>
    public DateTime UtcNow => _clock.GetUtcNow().UtcDateTime;

    /// <summary>Whether the last status poll reached the database.</summary>
    public bool StatusSourceHealthy { get; private set; } = true;

    public IssuerIndex Index => _index ?? throw new InvalidOperationException("call InitializeAsync first");

    /// <summary>Provisions responder certificates (unless a read-only replica) and loads the issuers.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_options.ProvisionResponders)
        {
            await new ResponderProvisioner(_ca, _options, _clock).EnsureAsync(cancellationToken);
        }

        _index = await IssuerIndex.LoadAsync(_ca, Now(), cancellationToken);
    }

    /// <param name="der">The OCSPRequest.</param>
    /// <param name="requestKey">A stable key for these exact request bytes (the GET path, or the POST body's base64), for the no-parse fast path.</param>
    public async ValueTask<OcspAnswer> RespondAsync(ReadOnlyMemory<byte> der, string? requestKey)
    {
        if (requestKey is not null && TryAnswerFromCache(requestKey, out var cached))
        {
            return cached;
        }

        var now = Now();
        if (der.Length > _options.MaxRequestBytes || !OcspRequestReader.TryRead(der.Span, out var request, out _))
        {
            return Refuse(OcspStatus.MalformedRequest);
        }

        var index = Index;
        var targets = new List<(ResponderIdentity Responder, CertificateID Id, string Serial)>(request!.CertificateIds.Count);
        foreach (var id in request.CertificateIds)
        {
            var responder = index.Find(id.HashAlgOid, id.GetIssuerNameHash(), id.GetIssuerKeyHash());
            if (responder is null)
            {
                return Refuse(OcspStatus.Unauthorized);
            }

            // One response is signed by one responder: CertIDs of different CAs cannot share it.
            if (targets.Count > 0 && targets[0].Responder != responder)
            {
                return Refuse(OcspStatus.Unauthorized);
            }

            targets.Add((responder, id, SerialNumbers.ToHex(id.SerialNumber.ToByteArrayUnsigned())));
        }

        try
        {
            if (request.NonceExtensionValue is null && targets.Count == 1)
            {
                var (responder, id, serial) = targets[0];
                var entry = await CachedAsync(responder, id, serial, now);
                if (requestKey is not null && request.IsPlain)
                {
                    _cache.Remember(requestKey, ResponseCache.CertificateKey(responder.Authority.Id, id.HashAlgOid, serial));
                }

                var snapshot = entry.Snapshot!;
                Metrics.Answered(snapshot.State.Kind);
                return new OcspAnswer(snapshot.Der, snapshot);
            }

            // Live: a nonce must be echoed in a fresh signature. Status comes from the cache when fresh.
            var answers = new List<(CertificateID, CertificateState)>(targets.Count);
            foreach (var (responder, id, serial) in targets)
            {
                var entry = await CachedAsync(responder, id, serial, now);
                answers.Add((id, Presented(entry.Snapshot!.State)));
                Metrics.Answered(entry.Snapshot!.State.Kind);
            }

            var der2 = Sign(targets[0].Responder, answers, request.NonceExtensionValue, now);
            return new OcspAnswer(der2, null);
        }
        catch (DbException)
        {
            return Refuse(OcspStatus.TryLater);
        }
        catch (InvalidOperationException ex) when (ex.InnerException is DbException || ex.Message.Contains("connection", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(OcspStatus.TryLater);
        }
    }

    /// <summary>The no-parse path: these exact request bytes were answered before and the answer is still valid.</summary>
    public bool TryAnswerFromCache(string requestKey, out OcspAnswer answer)
    {
        if (_cache.FindByRequest(requestKey)?.Snapshot is { } hit && hit.NextUpdate > Now())
        {
            Metrics.CacheHit();
            Metrics.Answered(hit.State.Kind);
            answer = new OcspAnswer(hit.Der, hit);
            return true;
        }

        answer = default;
        return false;
    }

    /// <summary>
    /// One background pass: re-sign cached responses whose certificate changed status since the last
    /// pass or whose thisUpdate is older than half the validity; renew responder certificates when due.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var started = Now();
        try
        {
            // The window follows the newest change seen (the CA's clock, not this replica's), so a skewed
            // clock on either side cannot make a revocation slip past the poll.
            var changed = await _statuses.ChangedSinceAsync((_changeCursor ?? started) - ChangeWindow, cancellationToken);
            foreach (var change in changed)
            {
                foreach (var hash in IssuerIndex.SupportedHashes)
                {
                    if (_cache.Find(ResponseCache.CertificateKey(change.AuthorityId, hash.Id, change.Serial)) is { Snapshot: { } current } entry
                        && current.State != change.State)
                    {
                        Resign(entry, change.State, started);
                    }
                }

                if (_changeCursor is null || change.ChangedAt > _changeCursor)
                {
                    _changeCursor = change.ChangedAt;
                }
            }

            var staleBefore = started.AddSeconds(-_options.NextUpdateSeconds / 2.0);
            foreach (var entry in _cache.Entries)
            {
                if (entry.Snapshot is { } snapshot && snapshot.ThisUpdate < staleBefore)
                {
                    await ResignAsync(entry, started);
                }
            }

            if (Index.Responders.Any(r => r.NotAfter < started.AddDays(_options.ResponderRenewBeforeDays)) ||
                Index.Responders.Count < (await _ca.Authorities.AllAsync(cancellationToken)).Count)
            {
                await InitializeAsync(cancellationToken);
            }

            StatusSourceHealthy = true;
        }
        catch (DbException)
        {
            StatusSourceHealthy = false;
        }
        catch (InvalidOperationException ex) when (ex.InnerException is DbException)
        {
            StatusSourceHealthy = false;
        }
    }

    private async Task<CachedResponse> CachedAsync(ResponderIdentity responder, CertificateID id, string serial, DateTime now)
    {
        var key = ResponseCache.CertificateKey(responder.Authority.Id, id.HashAlgOid, serial);
        var entry = _cache.Find(key);
        if (entry?.Snapshot is { } snapshot && snapshot.NextUpdate > now)
        {
            Metrics.CacheHit();
            return entry;
        }

        // Missing or expired: ask the database. If it is away this throws and the caller says tryLater;
        // an expired answer is never served (RFC 5019 §2.2.4).
        Metrics.CacheMiss();
        entry ??= new CachedResponse(responder, id, serial);
        await ResignAsync(entry, now);
        // Serials the CA never issued are answered but not kept: anyone can ask for any number of them.
        return entry.Snapshot!.State.Kind == CertificateStateKind.Unknown ? entry : _cache.Add(key, entry);
    }

    private async Task ResignAsync(CachedResponse entry, DateTime now) =>
        Resign(entry, await _statuses.GetAsync(entry.Responder.Authority.Id, entry.Serial), now);

    private void Resign(CachedResponse entry, CertificateState state, DateTime now)
    {
        var der = Sign(entry.Responder, [(entry.Id, Presented(state))], null, now);
        entry.Snapshot = new ResponseSnapshot(der, state, now, now.AddSeconds(_options.NextUpdateSeconds));
    }

    /// <summary>RFC 6960 §2.2 opt-in: a serial the CA never issued is "revoked", certificateHold, at the epoch.</summary>
    private CertificateState Presented(CertificateState state) =>
        state.Kind == CertificateStateKind.Unknown && _options.RevokedForNonIssued
            ? new CertificateState(CertificateStateKind.Revoked, OcspResponseBuilder.NonIssuedRevocationTime, 6)
            : state;

    private byte[] Sign(ResponderIdentity responder, IReadOnlyList<(CertificateID, CertificateState)> answers, byte[]? nonce, DateTime now)
    {
        var stopwatch = Stopwatch.StartNew();
        var extendedRevoke = _options.RevokedForNonIssued && answers.Any(a => a.Item2.RevokedAt == OcspResponseBuilder.NonIssuedRevocationTime);
        var der = OcspResponseBuilder.Build(responder, answers, nonce, extendedRevoke, now, now.AddSeconds(_options.NextUpdateSeconds));
        Metrics.SignatureMade(stopwatch.Elapsed);
        return der;
    }

    private OcspAnswer Refuse(OcspStatus status)
    {
        Metrics.Refused(status);
        return new OcspAnswer(OcspResponseBuilder.Error(status), null);
    }

    private DateTime Now() => ExtensionBuilder.WholeSeconds(_clock.GetUtcNow().UtcDateTime);
}
