using PkiPlatform.CaCore.Issuance;

namespace PkiPlatform.CaCore.Storage;

/// <summary>The two writes of two-phase issuance, as one statement per batch each.</summary>
internal static class CertificateRows
{
    /// <summary>Records the intent: serials reserved under the (authority, serial) uniqueness constraint.</summary>
    public static async Task InsertIntentsAsync(CaDbContext db, int authorityId, IReadOnlyList<PreparedCertificate> prepared, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var chunk in prepared.Chunk(SqlBatch.MaxRows))
        {
            var parameters = new List<object?>(chunk.Length * 8);
            foreach (var p in chunk)
            {
                parameters.AddRange([authorityId, p.Serial, p.Profile, p.SubjectDn, p.NotBefore, p.NotAfter, (int)CertificateStatus.Intent, now]);
            }

            await SqlBatch.ExecuteAsync(db,
                "INSERT INTO certificates (authority_id, serial, profile, subject_dn, not_before, not_after, status, created_at) VALUES " +
                SqlBatch.Values(chunk.Length, 8),
                parameters, cancellationToken);
        }
    }

    /// <summary>
    /// Stores the signed certificates over their intent records. Every intent must still be there: one that
    /// was abandoned meanwhile (<see cref="Issuance.StaleIntents"/>) fails the batch, so no certificate is handed
    /// out that the CA's records, CRLs and OCSP would not know.
    /// </summary>
    public static async Task CompleteAsync(CaDbContext db, int authorityId, IReadOnlyList<PreparedCertificate> prepared, byte[][] der, CancellationToken cancellationToken)
    {
        var stored = 0;
        for (var offset = 0; offset < prepared.Count; offset += SqlBatch.MaxRows)
        {
            var count = Math.Min(SqlBatch.MaxRows, prepared.Count - offset);
            var parameters = new List<object?>(count * 2 + 1);
            for (var i = offset; i < offset + count; i++)
            {
                parameters.Add(prepared[i].Serial);
                parameters.Add(der[i]);
            }

            parameters.Add(authorityId);
            stored += await SqlBatch.ExecuteAsync(db,
                $"WITH v(serial, der) AS (VALUES {SqlBatch.Values(count, 2)}) " +
                $"UPDATE certificates SET der = v.der, status = {(int)CertificateStatus.Issued} FROM v " +
                $"WHERE certificates.authority_id = @p{count * 2} AND certificates.serial = v.serial AND certificates.status = {(int)CertificateStatus.Intent}",
                parameters, cancellationToken);
        }

        if (stored != prepared.Count)
        {
            throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.Storage,
                $"{prepared.Count - stored} of {prepared.Count} issuance intents were no longer recorded when their certificates were signed; nothing was issued, retry");
        }
    }
}
