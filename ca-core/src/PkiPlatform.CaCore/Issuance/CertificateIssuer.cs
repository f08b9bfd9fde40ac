using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// Two-phase issuance, as Boulder does it: prepare and lint (parallel, no key) -> record the intent
/// (serial reserved under the database's uniqueness constraint) -> sign -> store the certificate and
/// its audit event in one transaction. A batch shares its two transactions, which is what lets the
/// hash-chained audit trail keep up with thousands of certificates a second.
/// </summary>
public sealed class CertificateIssuer(CaDatabase database, AuthorityDirectory authorities, IssuancePreparer preparer, AuditTrail audit, TimeProvider clock)
{
    public async Task<IssuedCertificate> IssueAsync(IssuanceRequest request, string actor, CancellationToken cancellationToken = default) =>
        (await IssueBatchAsync([request], actor, cancellationToken))[0];

    /// <summary>Issues all or none: any request that fails its checks fails the batch before anything is written.</summary>
    public async Task<IReadOnlyList<IssuedCertificate>> IssueBatchAsync(IReadOnlyList<IssuanceRequest> requests, string actor, CancellationToken cancellationToken = default)
    {
        var issuer = await authorities.GetAsync(authorities.IssuingAuthorityName, cancellationToken);

        // Phase 1: prepare and lint.
        var prepared = new PreparedCertificate[requests.Count];
        if (requests.Count == 1)
        {
            prepared[0] = preparer.Prepare(requests[0], issuer);
        }
        else
        {
            Parallel.For(0, requests.Count, i => prepared[i] = preparer.Prepare(requests[i], issuer));
        }

        // Phase 2: record the intent.
        await using var db = database.CreateContext();
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = prepared.Select(p => new CertificateEntity
        {
            AuthorityId = issuer.Id,
            Serial = p.Serial,
            Profile = p.Profile,
            SubjectDn = p.SubjectDn,
            NotBefore = p.NotBefore,
            NotAfter = p.NotAfter,
            Status = CertificateStatus.Intent,
            CreatedAt = now,
        }).ToList();
        db.Certificates.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);

        // Phase 3: sign. The only step that touches the key.
        var der = new byte[prepared.Length][];
        if (prepared.Length == 1)
        {
            der[0] = CertificateSigner.Sign(prepared[0].Tbs, issuer.Signer, issuer.SignatureAlgorithm).GetDerEncoded();
        }
        else
        {
            Parallel.For(0, prepared.Length, i =>
                der[i] = CertificateSigner.Sign(prepared[i].Tbs, issuer.Signer, issuer.SignatureAlgorithm).GetDerEncoded());
        }

        // Phase 4: store certificates and audit events together.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var events = new List<AuditRecord>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Der = der[i];
            rows[i].Status = CertificateStatus.Issued;
            events.Add(new AuditRecord(actor, AuditActions.CertificateIssued, $"{issuer.Name}/{rows[i].Serial}",
                $"profile={rows[i].Profile}; subject={rows[i].SubjectDn}; key={issuer.Entity.KeyLabel}"));
        }

        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db, events, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        return rows.Select((r, i) => new IssuedCertificate(r.Serial, r.Profile, r.SubjectDn, r.NotBefore, r.NotAfter, der[i])).ToList();
    }
}
