using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
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

    private Task<IReadOnlyList<IssuedCertificate>> IssueBatchAsync(Authority issuer, IReadOnlyList<IssuanceRequest> requests, string actor, CancellationToken cancellationToken)
    {
        // Issue 13: the two halves of a dual-certificate profile are issued together, the encryption half only for a KMC key.
        foreach (var request in requests)
        {
            var profile = preparer.Profile(request.Profile);
            if (profile.IsDual)
            {
                throw new PkiException(CaErrorCodes.DualProfile,
                    $"profile {profile.Name} issues a signing and an encryption certificate together (the encryption key from the key management centre); issue it as a dual pair (pki issue with the KMC, or the RA), not alone; nothing was issued");
            }

            if (profile.KmcKeysOnly)
            {
                throw new PkiException(CaErrorCodes.DualProfile,
                    $"profile {profile.Name} is only for keys the key management centre generated, as the encryption half of a dual-certificate profile; apply for that profile instead; nothing was issued");
            }
        }

        return IssueCheckedBatchAsync(issuer, requests, actor, cancellationToken);
    }

    /// <summary>
    /// A dual-certificate issuance (issue 13): the signing certificate from the applicant's request, the encryption
    /// certificate for a key the KMC generates and archives (reserved first, so a certificate never exists without its
    /// archived key), both in one all-or-none batch; then the KMC activates the key and envelopes it for the signing
    /// certificate. A failed issuance abandons the reserved key.
    /// </summary>
    public async Task<DualIssuedCertificate> IssueDualAsync(IssuanceRequest signing, IEncryptionKeySource kmc, string reference, string actor, string? authority = null, CancellationToken cancellationToken = default) =>
        (await IssueDualBatchAsync([signing], kmc, reference, actor, authority, cancellationToken))[0];

    /// <summary>
    /// Dual-certificate issuances all or none, sharing their transactions (what makes thousands a minute possible): the
    /// KMC archives every key in one transaction, the CA issues all 2N certificates as one batch, the KMC confirms all.
    /// </summary>
    public async Task<IReadOnlyList<DualIssuedCertificate>> IssueDualBatchAsync(IReadOnlyList<IssuanceRequest> signing, IEncryptionKeySource kmc, string reference, string actor,
        string? authority = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signing);
        ArgumentNullException.ThrowIfNull(kmc);
        var issuer = await authorities.GetAsync(authority ?? authorities.IssuingAuthorityName, cancellationToken);
        var applications = new EncryptionKeyApplication[signing.Count];
        var encryptionProfiles = new string[signing.Count];
        // The signing certificates as checked here (CSR signature verified, TBS built and linted): issued as prepared.
        var preparedSigning = new PreparedCertificate[signing.Count];
        // Checked before the KMC spends a key: every signing request must pass its profile.
        void Check(int i)
        {
            var profile = preparer.Profile(signing[i].Profile);
            if (!profile.IsDual)
            {
                throw new PkiException(CaErrorCodes.DualProfile, $"profile {profile.Name} is not a dual-certificate profile (it has no \"encryptionKeySource\")");
            }

            var prepared = preparedSigning[i] = preparer.Prepare(signing[i], issuer);
            var algorithm = CertificateRequest.DescribeKey(prepared.Tbs.SubjectPublicKeyInfo).Algorithm!.Value; // the CSR as just parsed and checked, not parsed again
            var encryptionProfile = preparer.Profile(profile.EncryptionProfile!);
            if (!encryptionProfile.KeyAlgorithms.Contains(algorithm))
            {
                throw new PkiException(CaErrorCodes.DualProfile, $"profile {encryptionProfile.Name} has no {algorithm.ToName()} encryption keys; nothing was issued");
            }

            encryptionProfiles[i] = encryptionProfile.Name;
            applications[i] = new EncryptionKeyApplication(signing[i].Actor ?? reference, algorithm, prepared.Tbs.Subject.GetDerEncoded(), signing[i].Actor ?? actor);
        }

        // One application per account per batch: a second one must meet the first's certificates (renewal rules), as
        // it would one at a time.
        var twice = signing.Where(r => r.Account is not null).GroupBy(r => r.Account!.Identity, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new PkiException(CaErrorCodes.AccountExists, $"account {twice.Key} has {twice.Count()} applications in one batch; issue them one after the other");
        }

        if (signing.Count == 1)
        {
            Check(0);
        }
        else
        {
            try
            {
                Parallel.For(0, signing.Count, Check);
            }
            catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is PkiException) is PkiException refusal)
            {
                // The caller (the RA worker, the CLI) records a refusal; the first one says what to fix.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(refusal).Throw();
            }
        }

        // Counted from the asking, before the KMC reserved anything: the reservations are never older than this.
        var useBy = clock.GetUtcNow() + IEncryptionKeySource.GrantUseWithin;
        var grants = await kmc.ApplyAsync(applications, cancellationToken);
        IReadOnlyList<IssuedCertificate> issued;
        try
        {
            var requests = new List<IssuanceRequest>(signing.Count * 2);
            var ready = new PreparedCertificate?[signing.Count * 2];
            var publicKeys = CheckGrants(grants, applications, preparedSigning);
            for (var i = 0; i < signing.Count; i++)
            {
                ready[requests.Count] = preparedSigning[i];
                requests.Add(signing[i]);
                var publicKey = publicKeys[i];
                requests.Add(new IssuanceRequest([], encryptionProfiles[i], signing[i].ValidityDays, signing[i].Account, signing[i].BypassReason)
                {
                    Actor = signing[i].Actor,
                    KmcKey = new KmcGeneratedKey(preparedSigning[i].Tbs.Subject, publicKey),
                });
            }

            issued = await IssueCheckedBatchAsync(issuer, requests, actor, cancellationToken, ready, useBy);
        }
        catch (PkiException refusal)
        {
            // A refusal: nothing was committed, the reserved keys are destroyed now. Any other failure (the database or the
            // connection lost, perhaps during the final COMMIT) leaves the outcome unknown: the keys stay reserved and the
            // KMC's sweep decides from the CA's records (activated if the certificate was stored, else abandoned), so a
            // stored certificate never loses its key.
            await kmc.AbandonAsync((grants ?? []).Where(g => g?.KeyId is not null).Select(g => g.KeyId).ToList(), refusal.Message, CancellationToken.None);
            throw;
        }

        var envelopes = await kmc.ConfirmAsync(grants.Select((g, i) => new EncryptionKeyConfirmation(g.KeyId, issuer.Name, issued[2 * i + 1].Serial, issued[2 * i].Der)).ToList(), cancellationToken);
        return grants.Select((g, i) => new DualIssuedCertificate(issued[2 * i], issued[2 * i + 1], g.KeyId, envelopes[i])).ToList();
    }

    /// <summary>
    /// What the KMC returned, checked before anything is certified (it is authenticated, not trusted blindly): one grant
    /// per application, distinct key identifiers and public keys, each key of the algorithm applied for, DER, and never
    /// the applicant's signing key. Without a PKCS#10 from the KMC these are the checks that stand in for one.
    /// </summary>
    private static SubjectPublicKeyInfo[] CheckGrants(IReadOnlyList<EncryptionKeyGrant> grants, EncryptionKeyApplication[] applications, PreparedCertificate[] signing)
    {
        if (grants is null || grants.Count != applications.Length)
        {
            throw new PkiException(CaErrorCodes.KmcResponse, $"the key management centre returned {grants?.Count ?? 0} keys for {applications.Length} applications; nothing was issued");
        }

        var keys = new SubjectPublicKeyInfo[grants.Count];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < grants.Count; i++)
        {
            var grant = grants[i];
            if (grant is null || string.IsNullOrEmpty(grant.KeyId) || grant.PublicKey is not { Length: > 0 } der || !ids.Add(grant.KeyId))
            {
                throw new PkiException(CaErrorCodes.KmcResponse, $"the key management centre's answer {i + 1} has no key identifier, no public key or a repeated identifier; nothing was issued");
            }

            var key = keys[i] = MalformedInput.Parse(() => SubjectPublicKeyInfo.GetInstance(Asn1Object.FromByteArray(der)) ?? throw new ArgumentException("empty"),
                CaErrorCodes.KmcResponse, $"the key management centre's public key {i + 1} is not a DER SubjectPublicKeyInfo");
            var encoded = Convert.ToBase64String(key.GetDerEncoded());
            if (!seen.Add(encoded) || encoded == Convert.ToBase64String(signing[i].Tbs.SubjectPublicKeyInfo.GetDerEncoded()))
            {
                throw new PkiException(CaErrorCodes.KmcResponse, $"the key management centre's public key {i + 1} repeats another key of the batch or is the applicant's signing key; nothing was issued");
            }

            var algorithm = MalformedInput.Parse(() => CertificateRequest.DescribeKey(key).Algorithm, CaErrorCodes.KmcResponse, $"the key management centre's public key {i + 1} cannot be read");
            if (algorithm != applications[i].Algorithm)
            {
                throw new PkiException(CaErrorCodes.KmcResponse,
                    $"the key management centre returned a {algorithm?.ToName() ?? "unsupported"} key for an application for {applications[i].Algorithm.ToName()}; nothing was issued");
            }
        }

        return keys;
    }

    /// <param name="ready">Requests already prepared against this issuer (same index), which are not prepared again.</param>
    /// <param name="useBy">For KMC keys: the intents must be recorded by then (<see cref="IEncryptionKeySource.GrantUseWithin"/>).</param>
    private async Task<IReadOnlyList<IssuedCertificate>> IssueCheckedBatchAsync(Authority issuer, IReadOnlyList<IssuanceRequest> requests, string actor, CancellationToken cancellationToken,
        PreparedCertificate?[]? ready = null, DateTimeOffset? useBy = null)
    {
        // Phase 1: prepare and lint.
        var prepared = new PreparedCertificate[requests.Count];
        PreparedCertificate PrepareOne(int i) => ready?[i] ?? preparer.Prepare(requests[i], issuer);
        if (requests.Count == 1)
        {
            prepared[0] = PrepareOne(0);
        }
        else
        {
            try
            {
                Parallel.For(0, requests.Count, i => prepared[i] = PrepareOne(i));
            }
            catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is PkiException) is PkiException refusal)
            {
                // A refusal says what to fix, as a single request's would (the RA worker records PkiExceptions as outcomes).
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(refusal).Throw();
            }
        }

        // Subjects and accounts (trust model item 2): who the certificate is for, and that its name is nobody else's.
        await using var db = database.CreateContext();
        var bindings = new List<(PreparedCertificate, AccountBinding, string)>();
        for (var i = 0; i < requests.Count; i++)
        {
            if (requests[i].Account is { } binding)
            {
                RequireAudience(preparer.Profile(requests[i].Profile), binding);
                bindings.Add((prepared[i], binding, requests[i].Actor ?? actor));
            }
        }

        // Within the batch too: one subject name, one account (a dual pair shares both).
        var owners = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < prepared.Length; i++)
        {
            var key = Accounts.SubjectKey.Of(prepared[i].Tbs.Subject);
            var identity = requests[i].Account?.Identity;
            if (owners.TryGetValue(key, out var other) && !string.Equals(other, identity, StringComparison.Ordinal))
            {
                throw new PkiException(CaErrorCodes.SubjectReserved, $"{prepared[i].SubjectDn} is asked for by two accounts in one batch ({other ?? "none"}, {identity ?? "none"}); nothing was issued");
            }

            owners[key] = identity;
        }

        var conflicts = await AccountDirectory.SubjectConflictsAsync(db, prepared.Select((p, i) => (p.Tbs.Subject, requests[i].Account?.Identity)).ToList(), cancellationToken);
        if (conflicts.Count > 0)
        {
            throw new PkiException(CaErrorCodes.SubjectReserved, string.Join("; ", conflicts.Distinct()) + "; nothing was issued");
        }

        // Phase 2: record the intent. Past its grant's use-by time the KMC may have abandoned and erased the reservation.
        if (useBy is { } deadline && clock.GetUtcNow() > deadline)
        {
            throw new PkiException(CaErrorCodes.KmcReservationExpired,
                $"the key management centre's keys were granted more than {IEncryptionKeySource.GrantUseWithin.TotalSeconds:F0} s before the certificates could be recorded (the CA stalled); nothing was issued, try again");
        }

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
        // The subject and account checks above read before this transaction writes: an issuance committed meanwhile by
        // another worker lane or process for the same account or subject is caught by the unique indexes, and said as such.
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await CertificateRows.CompleteAsync(db, issuer.Id, prepared, der, cancellationToken);
            if (bindings.Count > 0)
            {
                await accounts.BindIssuedAsync(db, issuer.Id, bindings, cancellationToken);
            }
            var keyLabel = issuer.Entity.KeyLabel;
            var records = prepared.Select((p, i) => new AuditRecord(requests[i].Actor ?? actor, AuditActions.CertificateIssued, $"{issuer.Name}/{p.Serial}",
                $"profile={p.Profile}; subject={p.SubjectDn}; key={keyLabel}")).ToList();
            for (var i = 0; i < prepared.Length; i++)
            {
                if (requests[i].BypassReason is { } reason)
                {
                    records.Add(new AuditRecord(requests[i].Actor ?? actor, AuditActions.RaBypassed, $"{issuer.Name}/{prepared[i].Serial}",
                        $"profile={prepared[i].Profile}; approvals skipped={preparer.Profile(requests[i].Profile).Approvals}; reason={reason}"));
                }
            }

            await audit.AppendAsync(db, records, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (Storage.DatabaseErrors.IsUniqueViolation(ex))
        {
            var who = string.Join(", ", bindings.Select(b => b.Item2.Identity).Distinct(StringComparer.Ordinal).DefaultIfEmpty("no account"));
            throw Storage.DatabaseErrors.IsSubjectCollision(ex)
                ? new PkiException(CaErrorCodes.SubjectReserved,
                    $"another account was given the same subject at the same moment (accounts {who}); nothing was issued for this request: apply with a subject of your own")
                : new PkiException(CaErrorCodes.AccountExists,
                    $"another issuance for the same account ({who}) was committed at the same moment; nothing was issued for this request");
        }

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
