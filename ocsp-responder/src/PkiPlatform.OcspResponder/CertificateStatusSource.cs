using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.OcspResponder;

/// <summary>Reads certificate status from the CA database (a streaming replica is enough).</summary>
public sealed class CertificateStatusSource(CaDatabase database)
{
    public async Task<CertificateState> GetAsync(int authorityId, string serial)
    {
        // Not a compiled query: one process may hold SQLite and PostgreSQL contexts (tests, migrations), and a
        // compiled query is bound to one model.
        await using var db = database.CreateContext();
        var row = await db.Certificates.AsNoTracking()
            .Where(c => c.AuthorityId == authorityId && c.Serial == serial)
            .Select(c => new { c.Status, c.RevokedAt, c.RevocationReason })
            .FirstOrDefaultAsync();
        return row is null ? CertificateState.Unknown : ToState(row.Status, row.RevokedAt, row.RevocationReason);
    }

    /// <summary>Serials whose status changed at or after <paramref name="since"/> (by the CA's clock), with their status now.</summary>
    public async Task<IReadOnlyList<StatusChange>> ChangedSinceAsync(DateTime since, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var rows = await db.Certificates.AsNoTracking()
            .Where(c => c.StatusChangedAt != null && c.StatusChangedAt >= since)
            .Select(c => new { c.AuthorityId, c.Serial, c.Status, c.RevokedAt, c.RevocationReason, c.StatusChangedAt })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new StatusChange(r.AuthorityId, r.Serial, ToState(r.Status, r.RevokedAt, r.RevocationReason),
            DateTime.SpecifyKind(r.StatusChangedAt!.Value, DateTimeKind.Utc))).ToList();
    }

    internal static CertificateState ToState(CertificateStatus? status, DateTime? revokedAt, int? reason) => status switch
    {
        CertificateStatus.Issued => CertificateState.Good,
        CertificateStatus.Revoked or CertificateStatus.OnHold =>
            new CertificateState(CertificateStateKind.Revoked, DateTime.SpecifyKind(revokedAt!.Value, DateTimeKind.Utc), reason is 0 ? null : reason),
        // Never issued, or only an intent that was never signed: the CA cannot vouch for it.
        _ => CertificateState.Unknown,
    };
}
