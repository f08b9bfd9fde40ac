using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// The CA worker: claims Approved requests from the database (PostgreSQL: FOR UPDATE SKIP LOCKED, so
/// several workers never take the same request), issues or revokes through the CA core (which
/// re-validates against the profile, lints, records intent, signs and audits), and records the outcome.
/// It opens no listening socket.
/// </summary>
public sealed class IssuanceWorker(CertificateAuthority ca, TimeProvider clock)
{
    public const string NotifyChannel = "pki_ra_approved";
    private const int BatchSize = 50;

    /// <summary>The key management centre for dual-certificate profiles (issue 13); without one they fail with a clear outcome.</summary>
    public IEncryptionKeySource? EncryptionKeys { get; init; }

    /// <summary>How long a claim or an issuance intent may stay unfinished before it is treated as interrupted.</summary>
    public TimeSpan Lease { get; init; } = StaleIntents.DefaultLease;

    /// <summary>
    /// Runs <paramref name="work"/> (e.g. another zone's start-up, which asks for its service certificates) while
    /// serving the queue, for a one-process start where the hosted worker does not run yet.
    /// </summary>
    public static async Task ServeWhileAsync(CertificateAuthority ca, Func<Task> work, CancellationToken cancellationToken = default) =>
        await ServeWhileAsync(ca, async () =>
        {
            await work();
            return true;
        }, cancellationToken);

    /// <inheritdoc cref="ServeWhileAsync(CertificateAuthority, Func{Task}, CancellationToken)"/>
    public static async Task<T> ServeWhileAsync<T>(CertificateAuthority ca, Func<Task<T>> work, CancellationToken cancellationToken = default)
    {
        var worker = new IssuanceWorker(ca, TimeProvider.System);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await worker.ProcessAsync(done.Token);
                await Task.Delay(100, done.Token);
            }
        }, CancellationToken.None);
        try
        {
            return await work();
        }
        finally
        {
            await done.CancelAsync();
            try
            {
                await pump;
            }
            catch (OperationCanceledException)
            {
                // Stopped mid-pass or between two passes.
            }
        }
    }

    /// <summary>
    /// Claims worked on at once on PostgreSQL (FOR UPDATE SKIP LOCKED keeps them apart, as between two worker processes):
    /// a claim spends most of its time waiting for the database, so a second one in flight nearly doubles the rate. SQLite
    /// has one writer: there the worker always works one claim at a time.
    /// </summary>
    public int Lanes { get; init; } = 2;

    /// <summary>Processes every Approved request; returns how many were taken.</summary>
    public async Task<int> ProcessAsync(CancellationToken cancellationToken = default)
    {
        await RecoverAsync(cancellationToken);
        var lanes = ca.Database.IsPostgres ? Math.Clamp(Lanes, 1, 8) : 1;
        if (lanes == 1)
        {
            return await DrainAsync(cancellationToken);
        }

        var all = Task.WhenAll(Enumerable.Range(0, lanes).Select(_ => Task.Run(() => DrainAsync(cancellationToken), cancellationToken)));
        try
        {
            return (await all).Sum();
        }
        catch when (all.Exception is { InnerExceptions.Count: > 1 } failures)
        {
            throw failures; // every lane's failure reaches the log, not only the first
        }
    }

    private async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var claimed = await ClaimAsync(cancellationToken);
            if (claimed.Count == 0)
            {
                return total;
            }

            foreach (var id in await CompleteDualBatchAsync(claimed, cancellationToken))
            {
                await CompleteAsync(id, cancellationToken);
            }

            total += claimed.Count;
        }
    }

    private async Task<List<long>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var db = ca.Database.CreateContext();
        var approved = (int)RaRequestStatus.Approved;
        var processing = (int)RaRequestStatus.Processing;
        var sql = db.IsPostgres
            ? $"UPDATE ra_requests SET status = {processing}, claimed_at = {{0}} WHERE id IN (SELECT id FROM ra_requests WHERE status = {approved} ORDER BY id LIMIT {BatchSize} FOR UPDATE SKIP LOCKED) RETURNING id AS \"Value\""
            : $"UPDATE ra_requests SET status = {processing}, claimed_at = {{0}} WHERE id IN (SELECT id FROM ra_requests WHERE status = {approved} ORDER BY id LIMIT {BatchSize}) RETURNING id AS \"Value\"";
        return await db.Database.SqlQueryRaw<long>(sql, clock.GetUtcNow().UtcDateTime).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Requests a worker claimed but never finished (it died, or the database or key failed mid-way): if the
    /// audit trail shows the CA acted for the request, it is completed from that record; otherwise it goes back
    /// to Approved and is done again. Stale issuance intents are dropped first (<see cref="StaleIntents"/>).
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken = default)
    {
        await ca.StaleIntents.AbandonAsync(Lease, "ca-worker:recovery", cancellationToken);
        var cutoff = clock.GetUtcNow().UtcDateTime - Lease;
        await using var db = ca.Database.CreateContext();
        var stuck = await db.RaRequests.AsNoTracking()
            .Where(r => r.Status == RaRequestStatus.Processing && (r.ClaimedAt == null || r.ClaimedAt < cutoff))
            .Select(r => r.Id).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var id in stuck)
        {
            var actor = $"ra:request/{id}";
            var acted = await db.AuditEvents.AsNoTracking()
                .Where(e => e.Actor.StartsWith("ra:request/") && e.Actor == actor && (e.Action == AuditActions.CertificateIssued || e.Action == AuditActions.CertificateRevoked
                    || e.Action == AuditActions.CertificateHeld || e.Action == AuditActions.CertificateReleased))
                .OrderBy(e => e.Sequence).Select(e => new { e.Action, e.Target }).FirstOrDefaultAsync(cancellationToken);
            // Conditional on the claim still being stale: another worker's recovery or completion wins the race.
            var query = db.RaRequests.Where(r => r.Id == id && r.Status == RaRequestStatus.Processing && (r.ClaimedAt == null || r.ClaimedAt < cutoff));
            if (acted is null)
            {
                await query.ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, RaRequestStatus.Approved).SetProperty(r => r.ClaimedAt, (DateTime?)null), cancellationToken);
                continue;
            }

            // certificate.issued / .revoked / .held / .released on "{authority}/{serial}": the serial is the request's.
            var serial = acted.Target[(acted.Target.IndexOf('/', StringComparison.Ordinal) + 1)..];
            var now = clock.GetUtcNow().UtcDateTime;
            var outcome = $"{acted.Action.Split('.')[1]} {serial} (completed from the audit trail after an interrupted run)";
            await query.ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, RaRequestStatus.Done).SetProperty(r => r.Serial, serial)
                .SetProperty(r => r.Outcome, outcome).SetProperty(r => r.CompletedAt, now), cancellationToken);
        }

        return stuck.Count;
    }

    /// <summary>
    /// A service certificate asked for by the OCSP or token-service zone: only for a platform account under a platform
    /// profile, or a registered business system under a system profile (its service keys). The RA refuses platform
    /// profiles to everyone, so this is the one way such a certificate comes into being, and it is audited like any other.
    /// </summary>
    private async Task<IssuedCertificate> IssueServiceAsync(RaRequestEntity request, CancellationToken cancellationToken)
    {
        var profile = ca.Profiles.Get(request.Profile);
        var account = request.Account ?? throw new PkiException(PkiErrorCodes.InvalidArgument, "a service-certificate request names no account");
        // Staff profiles go through the RA and its officers, never this queue; platform and system profiles are matched to
        // the account's kind by the issuer itself (CertificateIssuer.RequireAudience).
        if (profile.Audience == Profiles.ProfileAudience.Public)
        {
            throw new PkiException(CaErrorCodes.ProfileAudience, $"profile '{request.Profile}' is issued through the RA with officer approval, not as a service certificate");
        }

        return await ca.Issuer.IssueFromAsync(request.Authority ?? ca.Options.IssuingAuthority,
            new IssuanceRequest(request.CsrDer!, request.Profile, request.ValidityDays, new AccountBinding(account, request.ApplicantName)), $"ca:service-request/{request.Id} by {request.SubmittedBy}", cancellationToken);
    }

    /// <summary>
    /// Issues the claimed dual-certificate applications together (one KMC application, one CA batch, one confirmation:
    /// <see cref="CertificateIssuer.IssueDualBatchAsync"/>), at most one per account and per subject; returns the claimed
    /// requests left for <see cref="CompleteAsync"/>. A batch refused as a whole (one application no longer passes) is
    /// handed back too, so each application gets its own outcome.
    /// </summary>
    private async Task<List<long>> CompleteDualBatchAsync(List<long> claimed, CancellationToken cancellationToken)
    {
        if (EncryptionKeys is not { } kmc || claimed.Count < 2)
        {
            return claimed;
        }

        await using var db = ca.Database.CreateContext();
        var requests = await db.RaRequests.AsTracking().Where(r => claimed.Contains(r.Id)).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        var identities = new HashSet<string>(StringComparer.Ordinal);
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<RaRequestEntity>();
        foreach (var request in requests)
        {
            var profile = request.Kind == RaRequestKind.Issue ? ca.Profiles.All.FirstOrDefault(p => p.Name == request.Profile) : null;
            if (profile is not { IsDual: true } || profile.Audience == Profiles.ProfileAudience.Platform || request.CsrDer is null
                || (request.Account is { } identity && !identities.Add(identity)))
            {
                continue;
            }

            string subject;
            try
            {
                subject = Accounts.SubjectKey.Of(CertificateRequest.Parse(request.CsrDer).Subject);
            }
            catch (PkiException)
            {
                continue; // refused on its own, with its reason
            }

            if (subjects.Add(subject))
            {
                batch.Add(request);
            }
        }

        if (batch.Count < 2)
        {
            return claimed;
        }

        var signing = batch.Select(r => new IssuanceRequest(r.CsrDer!, r.Profile, Account: Binding(r)) { Actor = $"ra:request/{r.Id}" }).ToList();
        IReadOnlyList<DualIssuedCertificate> issued;
        try
        {
            issued = await ca.Issuer.IssueDualBatchAsync(signing, kmc, "ra:batch", "ca-worker", cancellationToken: cancellationToken);
        }
        catch (PkiException)
        {
            // Refused before anything was committed (an application no longer passes, or another lane or worker committed a
            // certificate for the same account or subject first: the unique indexes decide): each goes on its own and gets its
            // own outcome. Refused after the certificates were committed (the KMC's confirmation failed): issuing them
            // again would give a second pair under one approval, so those requests stay claimed and RecoverAsync
            // completes them from their certificate.issued events after the lease, as after a crash.
            var actors = batch.Select(r => $"ra:request/{r.Id}").ToList();
            var acted = await db.AuditEvents.AsNoTracking().Where(e => e.Action == AuditActions.CertificateIssued && actors.Contains(e.Actor))
                .Select(e => e.Actor).Distinct().ToListAsync(cancellationToken);
            var issuedAlready = batch.Where(r => acted.Contains($"ra:request/{r.Id}")).Select(r => r.Id).ToHashSet();
            return claimed.Where(id => !issuedAlready.Contains(id)).ToList();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < batch.Count; i++)
        {
            Record(batch[i], issued[i]);
            batch[i].Status = RaRequestStatus.Done;
            batch[i].CompletedAt = now;
        }

        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
        var done = batch.Select(r => r.Id).ToHashSet();
        return claimed.Where(id => !done.Contains(id)).ToList();
    }

    private static AccountBinding? Binding(RaRequestEntity request) => request.Account is { } identity
        ? new AccountBinding(identity, request.ApplicantName, request.Organization, request.Unit) { Renewal = request.SubmittedBy == identity }
        : null;

    private static void Record(RaRequestEntity request, DualIssuedCertificate dual)
    {
        request.Serial = dual.Signing.Serial;
        request.EncryptionSerial = dual.Encryption.Serial;
        request.Envelope = dual.Envelope.Der;
        request.EnvelopeFormat = dual.Envelope.Format;
        request.Outcome = $"issued {dual.Signing.Serial} (signing) and {dual.Encryption.Serial} (encryption, key archived at the KMC)";
    }

    private async Task CompleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = ca.Database.CreateContext();
        var request = await db.RaRequests.AsTracking().SingleAsync(r => r.Id == id, cancellationToken);
        try
        {
            if (request.Kind == RaRequestKind.Service)
            {
                var issued = await IssueServiceAsync(request, cancellationToken);
                request.Serial = issued.Serial;
                request.Outcome = $"issued {issued.Serial}";
            }
            else if (request.Kind == RaRequestKind.Issue)
            {
                // Defence in depth: the RA refuses platform profiles at submission; the CA refuses them again here, so a
                // row edited in the database (profile 'tsa' on an approved application) mints no platform certificate.
                if (ca.Profiles.Get(request.Profile).Audience == Profiles.ProfileAudience.Platform)
                {
                    throw new PkiException(CaErrorCodes.ProfileAudience, $"profile '{request.Profile}' is for the platform's own services and is never issued for an RA application");
                }

                var account = Binding(request);
                if (ca.Profiles.Get(request.Profile).IsDual)
                {
                    var kmc = EncryptionKeys ?? throw new PkiException(CaErrorCodes.DualProfile,
                        $"profile {request.Profile} needs the key management centre, and this CA host has none configured; nothing was issued");
                    Record(request, await ca.Issuer.IssueDualAsync(new IssuanceRequest(request.CsrDer!, request.Profile, Account: account), kmc, $"ra:request/{id}", $"ra:request/{id}", cancellationToken: cancellationToken));
                }
                else
                {
                    var issued = await ca.Issuer.IssueAsync(new IssuanceRequest(request.CsrDer!, request.Profile, Account: account), $"ra:request/{id}", cancellationToken);
                    request.Serial = issued.Serial;
                    request.Outcome = $"issued {issued.Serial}";
                }
            }
            else if (request.Kind == RaRequestKind.Release)
            {
                var released = await ca.Revocations.ReleaseHoldAsync(request.Serial!, $"ra:request/{id}", cancellationToken);
                request.Outcome = $"released {released.Serial}";
            }
            else
            {
                var revoked = await ca.Revocations.RevokeAsync(request.Serial!, (RevocationReason)request.RevocationReason!.Value, null, $"ra:request/{id}", cancellationToken);
                request.Outcome = $"revoked {revoked.Serial}";
            }

            request.Status = RaRequestStatus.Done;
        }
        catch (PkiException ex) when (ex.Code == CaErrorCodes.KmcReservationExpired)
        {
            // The CA stalled after the KMC's grant; nothing was recorded. Not the application's fault: it stays claimed, and
            // RecoverAsync puts it back to Approved after the lease (nothing was issued for it), so it is tried again later.
            return;
        }
        catch (PkiException ex)
        {
            // Re-validation at the CA refused it (profile changed, CA expired, already revoked…): say why.
            request.Status = RaRequestStatus.Failed;
            request.Outcome = ex.Message;
        }

        request.CompletedAt = clock.GetUtcNow().UtcDateTime;
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
    }
}
