using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Profiles;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// Two-phase issuance, as Boulder does it: prepare and lint (parallel, no key) -> record the intent
/// (serial reserved under the database's uniqueness constraint) -> sign -> store the certificate and
/// its audit event in one transaction. A batch shares its two transactions, which is what lets the
/// hash-chained audit trail keep up with thousands of certificates a second.
/// </summary>
public sealed class CertificateIssuer(CaDatabase database, AuthorityDirectory authorities, IssuancePreparer preparer, AuditTrail audit, AccountDirectory accounts, TimeProvider clock)
{
    /// <summary>The checks every request passes, for the RA to show an applicant before submitting.</summary>
    public IssuancePreparer Preparer => preparer;

    public async Task<IssuedCertificate> IssueAsync(IssuanceRequest request, string actor, CancellationToken cancellationToken = default) =>
        (await IssueBatchAsync([request], actor, cancellationToken))[0];

    /// <summary>Issues from a named CA (e.g. a delegated OCSP responder certificate from the CA it answers for).</summary>
    public async Task<IssuedCertificate> IssueFromAsync(string authority, IssuanceRequest request, string actor, CancellationToken cancellationToken = default) =>
        (await IssueBatchAsync(await authorities.GetAsync(authority, cancellationToken), [request], actor, cancellationToken))[0];

    /// <summary>Issues all or none: any request that fails its checks fails the batch before anything is written.</summary>
    public async Task<IReadOnlyList<IssuedCertificate>> IssueBatchAsync(IReadOnlyList<IssuanceRequest> requests, string actor, CancellationToken cancellationToken = default) =>
        await IssueBatchAsync(await authorities.GetAsync(authorities.IssuingAuthorityName, cancellationToken), requests, actor, cancellationToken);

    private async Task<IReadOnlyList<IssuedCertificate>> IssueBatchAsync(Authority issuer, IReadOnlyList<IssuanceRequest> requests, string actor, CancellationToken cancellationToken)
    {

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

        // Subjects and accounts (trust model item 2): who the certificate is for, and that its name is nobody else's.
        await using var db = database.CreateContext();
        var bindings = new List<(PreparedCertificate, AccountBinding)>();
        for (var i = 0; i < requests.Count; i++)
        {
            if (requests[i].Account is { } binding)
            {
                RequireAudience(preparer.Profile(requests[i].Profile), binding);
                bindings.Add((prepared[i], binding));
            }
        }

        var conflicts = await AccountDirectory.SubjectConflictsAsync(db, prepared.Select((p, i) => (p.Tbs.Subject, requests[i].Account?.Identity)).ToList(), cancellationToken);
        if (conflicts.Count > 0)
        {
            throw new PkiException(CaErrorCodes.SubjectReserved, string.Join("; ", conflicts.Distinct()) + "; nothing was issued");
        }

        // Phase 2: record the intent.
        await CertificateRows.InsertIntentsAsync(db, issuer.Id, prepared, clock.GetUtcNow().UtcDateTime, cancellationToken);

        // Phase 3: sign. The only step that touches the key.
        var der = new byte[prepared.Length][];
        if (prepared.Length == 1)
        {
            der[0] = CertificateSigner.Sign(prepared[0].Tbs, issuer.Signer, issuer.SignatureAlgorithm);
        }
        else
        {
            Parallel.For(0, prepared.Length, i => der[i] = CertificateSigner.Sign(prepared[i].Tbs, issuer.Signer, issuer.SignatureAlgorithm));
        }

        // Phase 4: store certificates and audit events together.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await CertificateRows.CompleteAsync(db, issuer.Id, prepared, der, cancellationToken);
        if (bindings.Count > 0)
        {
            await accounts.BindIssuedAsync(db, issuer.Id, bindings, actor, cancellationToken);
        }
        var keyLabel = issuer.Entity.KeyLabel;
        var records = prepared.Select(p => new AuditRecord(actor, AuditActions.CertificateIssued, $"{issuer.Name}/{p.Serial}",
            $"profile={p.Profile}; subject={p.SubjectDn}; key={keyLabel}")).ToList();
        for (var i = 0; i < prepared.Length; i++)
        {
            if (requests[i].BypassReason is { } reason)
            {
                records.Add(new AuditRecord(actor, AuditActions.RaBypassed, $"{issuer.Name}/{prepared[i].Serial}",
                    $"profile={prepared[i].Profile}; approvals skipped={preparer.Profile(requests[i].Profile).Approvals}; reason={reason}"));
            }
        }

        await audit.AppendAsync(db, records, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        return prepared.Select((p, i) => new IssuedCertificate(p.Serial, p.Profile, p.SubjectDn, p.NotBefore, p.NotAfter, der[i])).ToList();
    }

    /// <summary>Item 4: a profile's certificates go only to the kind of account its audience names.</summary>
    private static void RequireAudience(CertificateProfile profile, AccountBinding binding)
    {
        var kind = AccountIdentity.KindOf(binding.Identity);
        var expected = profile.Audience switch
        {
            ProfileAudience.Public => AccountKind.Person,
            ProfileAudience.System => AccountKind.System,
            _ => AccountKind.Platform,
        };
        if (kind != expected)
        {
            throw new PkiException(CaErrorCodes.ProfileAudience,
                $"profile '{profile.Name}' is for {expected.ToString().ToLowerInvariant()} accounts; {binding.Identity} is a {kind.ToString().ToLowerInvariant()} account");
        }
    }
}
