using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Configuration;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Crl;

/// <summary>
/// Publishes full and delta CRLs per CA: numbers from one monotonic sequence per issuer, the DER
/// written atomically to {publishDirectory}/{ca}.crl or {ca}-delta.crl, and stored with its audit
/// event in one transaction.
/// </summary>
public sealed class CrlService(CaDatabase database, AuthorityDirectory authorities, CaOptions options, AuditTrail audit, TimeProvider clock, string publishDirectory)
{
    public async Task<IReadOnlyList<PublishedCrl>> PublishAllAsync(bool delta, string actor, CancellationToken cancellationToken = default)
    {
        var result = new List<PublishedCrl>();
        foreach (var authority in await authorities.AllAsync(cancellationToken))
        {
            result.Add(await PublishAsync(authority, delta, actor, cancellationToken));
        }

        return result;
    }

    public async Task<PublishedCrl> PublishAsync(Authority authority, bool delta, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var thisUpdate = ExtensionBuilder.WholeSeconds(clock.GetUtcNow().UtcDateTime);
        var last = await db.Crls.AsNoTracking().Where(c => c.AuthorityId == authority.Id)
            .OrderByDescending(c => c.Number).Select(c => (long?)c.Number).FirstOrDefaultAsync(cancellationToken) ?? 0;
        var number = last + 1;

        CrlDocument document;
        IAsyncEnumerable<CrlEntry> entries;
        if (delta)
        {
            var baseCrl = await db.Crls.AsNoTracking().Where(c => c.AuthorityId == authority.Id && c.BaseNumber == null)
                .OrderByDescending(c => c.Number).FirstOrDefaultAsync(cancellationToken)
                ?? throw new PkiException(PkiErrorCodes.InvalidArgument, $"CA '{authority.Name}' has no full CRL yet; publish one (pki crl) before a delta");
            document = new CrlDocument(number, baseCrl.Number, thisUpdate, thisUpdate.AddHours(options.DeltaCrlNextUpdateHours), null);
            entries = DeltaEntries(db, authority.Id, baseCrl.ThisUpdate, cancellationToken);
        }
        else
        {
            document = new CrlDocument(number, null, thisUpdate, thisUpdate.AddHours(options.CrlNextUpdateHours), options.DeltaCrlUrl(authority.Name));
            entries = FullEntries(db, authority.Id, thisUpdate, cancellationToken);
        }

        using var der = new MemoryStream();
        var count = await CrlWriter.WriteAsync(authority, document, entries, der, cancellationToken);
        var bytes = der.ToArray();

        Directory.CreateDirectory(publishDirectory);
        var path = Path.Combine(publishDirectory, delta ? $"{authority.Name}-delta.crl" : $"{authority.Name}.crl");
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Crls.Add(new CrlEntity
        {
            AuthorityId = authority.Id,
            Number = number,
            BaseNumber = document.BaseNumber,
            ThisUpdate = thisUpdate,
            NextUpdate = document.NextUpdate,
            EntryCount = count,
            Der = bytes,
        });
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db,
            [new AuditRecord(actor, AuditActions.CrlGenerated, $"{authority.Name}/crl/{number}",
                $"{(delta ? $"delta of {document.BaseNumber}" : "full")}; entries={count}; nextUpdate={document.NextUpdate:O}")],
            cancellationToken);
        // Publish the file before committing: a failed write rolls the record back, and a failed commit
        // leaves a valid CRL whose number the next publication supersedes.
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes, cancellationToken);
        File.Move(temp, path, overwrite: true);
        await transaction.CommitAsync(cancellationToken);
        return new PublishedCrl(authority.Name, number, document.BaseNumber, thisUpdate, document.NextUpdate, count, path);
    }

    private static async IAsyncEnumerable<CrlEntry> FullEntries(CaDbContext db, int authorityId, DateTime now,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // RFC 5280 §3.3: an entry may leave the CRL once the certificate has expired.
        var rows = db.Certificates.AsNoTracking()
            .Where(c => c.AuthorityId == authorityId && (c.Status == CertificateStatus.Revoked || c.Status == CertificateStatus.OnHold) && c.NotAfter >= now)
            .Select(c => new { c.Serial, c.RevokedAt, c.RevocationReason, c.InvalidityDate })
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            yield return new CrlEntry(SerialNumbers.FromHex(row.Serial), Utc(row.RevokedAt!.Value), row.RevocationReason, row.InvalidityDate is { } d ? Utc(d) : null);
        }
    }

    private static async IAsyncEnumerable<CrlEntry> DeltaEntries(CaDbContext db, int authorityId, DateTime since,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = db.Certificates.AsNoTracking()
            .Where(c => c.AuthorityId == authorityId && c.StatusChangedAt != null && c.StatusChangedAt >= since)
            .Select(c => new { c.Serial, c.Status, c.RevokedAt, c.RevocationReason, c.InvalidityDate, c.StatusChangedAt })
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            yield return row.Status == CertificateStatus.Issued
                // RFC 5280 §5.3.1: a released hold appears in the delta with reason removeFromCRL.
                ? new CrlEntry(SerialNumbers.FromHex(row.Serial), Utc(row.StatusChangedAt!.Value), (int)RevocationReason.RemoveFromCrl, null)
                : new CrlEntry(SerialNumbers.FromHex(row.Serial), Utc(row.RevokedAt!.Value), row.RevocationReason, row.InvalidityDate is { } d ? Utc(d) : null);
        }
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
