using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.RaPortal;

/// <summary>
/// The CA worker: claims Approved requests from the database (PostgreSQL: FOR UPDATE SKIP LOCKED, so
/// several workers never take the same request), issues or revokes through the CA core (which
/// re-validates against the profile, lints, records intent, signs and audits), and records the outcome.
/// It opens no listening socket.
/// </summary>
public sealed class RaWorker(CertificateAuthority ca, TimeProvider clock)
{
    public const string NotifyChannel = "pki_ra_approved";
    private const int BatchSize = 50;

    /// <summary>Processes every Approved request; returns how many were taken.</summary>
    public async Task<int> ProcessAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            var claimed = await ClaimAsync(cancellationToken);
            if (claimed.Count == 0)
            {
                return total;
            }

            foreach (var id in claimed)
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
            ? $"UPDATE ra_requests SET status = {processing} WHERE id IN (SELECT id FROM ra_requests WHERE status = {approved} ORDER BY id LIMIT {BatchSize} FOR UPDATE SKIP LOCKED) RETURNING id AS \"Value\""
            : $"UPDATE ra_requests SET status = {processing} WHERE id IN (SELECT id FROM ra_requests WHERE status = {approved} ORDER BY id LIMIT {BatchSize}) RETURNING id AS \"Value\"";
        return await db.Database.SqlQueryRaw<long>(sql).ToListAsync(cancellationToken);
    }

    private async Task CompleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = ca.Database.CreateContext();
        var request = await db.RaRequests.AsTracking().SingleAsync(r => r.Id == id, cancellationToken);
        try
        {
            if (request.Kind == RaRequestKind.Issue)
            {
                var issued = await ca.Issuer.IssueAsync(new IssuanceRequest(request.CsrDer!, request.Profile), $"ra:request/{id}", cancellationToken);
                request.Serial = issued.Serial;
                request.Outcome = $"issued {issued.Serial}";
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
