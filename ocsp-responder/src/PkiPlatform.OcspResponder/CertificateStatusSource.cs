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

    /// <summary>Serials whose status changed at or after <paramref name="since"/>, per CA.</summary>
    public async Task<IReadOnlyList<(int AuthorityId, string Serial)>> ChangedSinceAsync(DateTime since, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        return (await db.Certificates.AsNoTracking()
            .Where(c => c.StatusChangedAt != null && c.StatusChangedAt >= since)
            .Select(c => new { c.AuthorityId, c.Serial }).ToListAsync(cancellationToken))
            .Select(c => (c.AuthorityId, c.Serial)).ToList();
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
