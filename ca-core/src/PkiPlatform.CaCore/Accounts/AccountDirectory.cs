using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Accounts;

/// <summary>
/// Accounts and their explicitly bound certificates. Authentication goes certificate -> binding -> account; the
/// subject name decides nothing. Registration, role changes and bindings are audited in the same transaction.
/// </summary>
/// <param name="archivedKeyProfiles">
/// Profiles whose keys the key management centre generated and archives (<c>"keySource": "kmc"</c>): such a certificate
/// never authenticates anyone, since its private key is also held, and recoverable, elsewhere.
/// </param>
public sealed class AccountDirectory(CaDatabase database, AuditTrail audit, TimeProvider clock, IReadOnlySet<string>? archivedKeyProfiles = null)
{
    /// <summary>
    /// The CA's own word on a client certificate that already chained to the platform's root: this exact certificate
    /// (DER equal to the CA's record) was issued here, is neither revoked nor on hold, and its bound account (if any) is active.
    /// </summary>
    /// <returns>The credential, or why it is refused.</returns>
    public async Task<(PlatformCredential? Credential, string? Refusal)> AuthenticateAsync(byte[] der, CancellationToken cancellationToken = default)
    {
        X509CertificateStructure certificate;
        try
        {
            certificate = X509CertificateStructure.GetInstance(der);
        }
        catch (ArgumentException)
        {
            return (null, "the client certificate cannot be parsed");
        }

        var serial = SerialNumbers.ToHex(certificate.SerialNumber.Value.ToByteArrayUnsigned());
        await using var db = database.CreateContext();
        var candidates = await db.Certificates.AsNoTracking()
            .Where(c => c.Serial == serial && c.Status != CertificateStatus.Intent)
            .Join(db.Authorities.AsNoTracking(), c => c.AuthorityId, a => a.Id, (c, a) => new { c.Id, c.Der, c.Status, c.RevokedAt, c.RevocationReason, c.SubjectDn, c.NotBefore, c.NotAfter, c.Profile, Authority = a.Name })
            .ToListAsync(cancellationToken);
        // Issuer + serial, and the very bytes: a certificate from anywhere else with the same serial is not ours.
        var record = candidates.FirstOrDefault(c => c.Der is not null && CryptographicOperations.FixedTimeEquals(c.Der, der));
        if (record is null)
        {
            return (null, "the client certificate was not issued by this platform");
        }

        if (archivedKeyProfiles?.Contains(record.Profile) == true)
        {
            return (null, $"the certificate is an encryption certificate of profile {record.Profile}, whose key the key management centre archives: it proves no identity; use your signing or login certificate");
        }

        if (record.Status is CertificateStatus.OnHold)
        {
            return (null, $"the client certificate is on hold since {record.RevokedAt:yyyy-MM-dd HH:mm} UTC (certificateHold): ask the RA to release it, or use another valid certificate");
        }

        if (record.Status is CertificateStatus.Revoked)
        {
            var reason = ((RevocationReason)(record.RevocationReason ?? 0)).ToString();
            return (null, $"the client certificate was revoked on {record.RevokedAt:yyyy-MM-dd HH:mm} UTC ({reason})");
        }

        // Every host's listener lets the handshake through; validity is judged here, by the CA's clock, for all of them.
        var now = clock.GetUtcNow().UtcDateTime;
        if (now < record.NotBefore || now >= record.NotAfter)
        {
            return (null, $"the client certificate is not valid now (valid {record.NotBefore:yyyy-MM-dd HH:mm} to {record.NotAfter:yyyy-MM-dd HH:mm} UTC); ask for a new one");
        }

        var account = await db.AccountCertificates.AsNoTracking().Where(b => b.CertificateId == record.Id)
            .Join(db.RaAccounts.AsNoTracking(), b => b.AccountId, a => a.Id, (b, a) => a).FirstOrDefaultAsync(cancellationToken);
        if (account is { Active: false })
        {
            return (null, $"the account {account.Identity} this certificate belongs to is disabled; ask an RA admin");
        }

        return (new PlatformCredential(record.Id, $"{record.Authority}/{serial}", record.SubjectDn, account is null ? null : Bound(account)), null);
    }

    /// <summary>Whether any certificate is bound to the account (an account without one is waiting for its enrolment).</summary>
    public async Task<bool> HasCertificatesAsync(string identity, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        return await db.AccountCertificates.AsNoTracking().Join(db.RaAccounts.AsNoTracking().Where(a => a.Identity == identity), b => b.AccountId, a => a.Id, (b, a) => b.Id)
            .AnyAsync(cancellationToken);
    }

    public async Task<BoundAccount?> FindAsync(string identity, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var account = await db.RaAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Identity == identity, cancellationToken);
        return account is null ? null : Bound(account);
    }

    /// <summary>Registers an account that has no certificate yet (a business system, or a person an admin enrols).</summary>
    /// <param name="identity">The account's stable identifier.</param>
    /// <param name="displayName">A name people recognise.</param>
    /// <param name="actor">Who registers it (audited).</param>
    /// <param name="subject">
    /// Operators only (CLI, first run): the subject the account's certificates will carry, reserved for it from now on,
    /// reserved platform names included. Never taken from an RA request.
    /// </param>
    /// <param name="cancellationToken">Cancels the registration.</param>
    public async Task<RaAccountEntity> RegisterAsync(string identity, string displayName, string actor, X509Name? subject = null, CancellationToken cancellationToken = default)
    {
        identity = AccountIdentity.Parse(identity);
        await using var db = database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.RaAccounts.AnyAsync(a => a.Identity == identity, cancellationToken))
        {
            throw new PkiException(CaErrorCodes.AccountExists, $"account {identity} already exists");
        }

        var account = NewAccount(identity, displayName);
        if (subject is not null)
        {
            var key = SubjectKey.Of(subject);
            if (await db.RaAccounts.AnyAsync(a => a.SubjectKey == key, cancellationToken))
            {
                throw new PkiException(CaErrorCodes.SubjectReserved, $"subject '{subject}' is equal or equivalent to another account's subject");
            }

            account.SubjectDn = subject.ToString();
            account.SubjectKey = key;
        }

        db.RaAccounts.Add(account);
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db, [new AuditRecord(actor, AuditActions.AccountRegistered, identity, $"kind={account.Kind}; name={displayName}")], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return account;
    }

    /// <summary>Sets an existing account's role and whether it is active (the caller checked that the actor may).</summary>
    public async Task<RaAccountEntity> SetRoleAsync(string identity, RaRole? role, bool active, string? displayName, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var account = await db.RaAccounts.AsTracking().FirstOrDefaultAsync(a => a.Identity == identity, cancellationToken)
            ?? throw new PkiException(CaErrorCodes.UnknownAccount, $"there is no account {identity}; accounts are created when the RA issues a certificate, or registered first");
        if (role is not null && account.Kind != AccountKind.Person)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"account {identity} is a {account.Kind.ToString().ToLowerInvariant()} account; RA roles are for staff accounts only");
        }

        var before = $"{account.Role?.ToString() ?? "none"}{(account.Active ? "" : " (inactive)")}";
        account.Role = role;
        account.Active = active;
        if (!string.IsNullOrWhiteSpace(displayName))
        {
            account.DisplayName = displayName.Trim();
        }

        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db, [new AuditRecord(actor, AuditActions.AccountChanged, identity, $"role {before} -> {role?.ToString() ?? "none"}{(active ? "" : " (inactive)")}")], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return account;
    }

    /// <summary>Why a certificate with this subject may not be issued to <paramref name="account"/> (null: it may).</summary>
    public async Task<string?> SubjectConflictAsync(X509Name subject, string? account, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var conflicts = await SubjectConflictsAsync(db, [(subject, account)], cancellationToken);
        return conflicts.Count > 0 ? conflicts[0] : null;
    }

    /// <summary>
    /// Item 2 of the trust model: refuses subjects equal or equivalent (<see cref="SubjectKey"/>) to another account's
    /// subject, and names of the platform's own identities for anyone but a platform account.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> SubjectConflictsAsync(CaDbContext db, IReadOnlyList<(X509Name Subject, string? Account)> requests, CancellationToken cancellationToken)
    {
        var keys = requests.Select(r => SubjectKey.Of(r.Subject)).ToList();
        var distinct = keys.Distinct().ToList();
        var holders = new Dictionary<string, string>();
        foreach (var chunk in distinct.Chunk(500))
        {
            foreach (var holder in await db.RaAccounts.AsNoTracking().Where(a => a.SubjectKey != null && chunk.Contains(a.SubjectKey))
                         .Select(a => new { a.SubjectKey, a.Identity }).ToListAsync(cancellationToken))
            {
                holders[holder.SubjectKey!] = holder.Identity;
            }
        }

        var refusals = new List<string>();
        for (var i = 0; i < requests.Count; i++)
        {
            var (subject, account) = requests[i];
            if (holders.TryGetValue(keys[i], out var holder))
            {
                if (holder != account)
                {
                    refusals.Add($"subject '{subject}' is equal or equivalent to the subject of account {holder}; a certificate for that account is renewed through the account's own renewal flow");
                }
            }
            else if (ReservedNames.Match(subject) is { } reserved && (account is null || AccountIdentity.KindOf(account) != AccountKind.Platform))
            {
                refusals.Add($"subject '{subject}' carries the name '{reserved}', which is reserved for the platform's own identities");
            }
        }

        return refusals;
    }

    /// <summary>
    /// Binds freshly issued certificates to their accounts inside the issuance transaction. A person or platform
    /// account is created with the certificate's subject if it does not exist; a business system must be registered first.
    /// A batch costs a fixed number of round trips (the accounts, their existing bindings, the certificates' ids), not a
    /// few per certificate.
    /// </summary>
    internal async Task BindIssuedAsync(CaDbContext db, int authorityId, IReadOnlyList<(PreparedCertificate Prepared, AccountBinding Binding, string Actor)> bound,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var records = new List<AuditRecord>();
        var identities = bound.Select(b => b.Binding.Identity).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // Lock the existing accounts first (PostgreSQL row locks; SQLite's write lock), inside the issuance transaction: a
        // concurrent issuance for one of them (another worker lane or process) waits here and then sees this one's
        // certificates, so "already holds certificates" and the subject are decided on committed state. New accounts are
        // decided by the unique indexes on identity and subject (CertificateIssuer turns a violation into a refusal).
        await db.RaAccounts.Where(a => identities.Contains(a.Identity)).ExecuteUpdateAsync(set => set.SetProperty(a => a.Identity, a => a.Identity), cancellationToken);
        var accounts = await db.RaAccounts.AsTracking().Where(a => identities.Contains(a.Identity)).ToDictionaryAsync(a => a.Identity, StringComparer.Ordinal, cancellationToken);
        var existing = accounts.Values.Select(a => a.Id).ToList();
        var holding = (await db.AccountCertificates.AsNoTracking().Where(b => existing.Contains(b.AccountId)).Select(b => b.AccountId).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        // One batch is one decision: the second certificate of a dual pair joins the account its first one just made
        // (CertificateIssuer.IssueDualBatchAsync admits one application per account per batch).
        var inThisBatch = new HashSet<string>(StringComparer.Ordinal);
        // New accounts are inserted in identity order, so two concurrent batches never wait on each other's in opposite order.
        foreach (var (prepared, binding, actor) in bound.OrderBy(b => b.Binding.Identity, StringComparer.Ordinal))
        {
            if (!accounts.TryGetValue(binding.Identity, out var account))
            {
                if (AccountIdentity.KindOf(binding.Identity) == AccountKind.System)
                {
                    throw new PkiException(CaErrorCodes.UnknownAccount, $"business system {binding.Identity} is not registered; an RA admin registers it first");
                }

                account = NewAccount(binding.Identity, binding.DisplayName);
                account.Organization = binding.Organization;
                account.Unit = binding.Unit;
                db.RaAccounts.Add(account);
                accounts[binding.Identity] = account;
                records.Add(new AuditRecord(actor, AuditActions.AccountRegistered, binding.Identity, $"kind={account.Kind}; name={account.DisplayName}"));
            }

            // Issue 11: an account an RA admin or operator registered before its first certificate is enrolled by that
            // certificate (after the RA's dual control); an account that already holds certificates renews only through its own.
            else if (account.Kind == AccountKind.Person && !binding.Renewal && !inThisBatch.Contains(binding.Identity) && holding.Contains(account.Id))
            {
                throw new PkiException(CaErrorCodes.AccountExists,
                    $"account {binding.Identity} already exists and did not ask for this certificate itself; nothing was issued (renew with the account's own certificate)");
            }

            if (!account.Active)
            {
                throw new PkiException(CaErrorCodes.UnknownAccount, $"account {binding.Identity} is disabled; nothing was issued");
            }

            if (account.SubjectKey is null)
            {
                account.SubjectDn = prepared.SubjectDn;
                account.SubjectKey = SubjectKey.Of(prepared.Tbs.Subject);
            }

            inThisBatch.Add(binding.Identity);
        }

        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken); // new accounts get their ids
        var serials = bound.Select(b => b.Prepared.Serial).ToList();
        var certificateIds = await db.Certificates.AsNoTracking().Where(c => c.AuthorityId == authorityId && serials.Contains(c.Serial))
            .ToDictionaryAsync(c => c.Serial, c => c.Id, StringComparer.Ordinal, cancellationToken);
        foreach (var (prepared, binding, actor) in bound)
        {
            db.AccountCertificates.Add(new AccountCertificateEntity
            {
                AccountId = accounts[binding.Identity].Id, CertificateId = certificateIds[prepared.Serial], BoundAt = now, BoundBy = actor,
                SpkiSha256 = Convert.ToHexString(SHA256.HashData(prepared.Tbs.SubjectPublicKeyInfo.GetDerEncoded())),
            });
            records.Add(new AuditRecord(actor, AuditActions.CertificateBound, binding.Identity, $"certificate={prepared.Serial}; subject={prepared.SubjectDn}"));
        }

        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db, records, cancellationToken);
    }

    private RaAccountEntity NewAccount(string identity, string displayName)
    {
        var kind = AccountIdentity.KindOf(identity);
        return new RaAccountEntity
        {
            Identity = identity, Kind = kind, DisplayName = displayName.Trim(), Active = true, CreatedAt = clock.GetUtcNow().UtcDateTime,
            StaffId = kind == AccountKind.Person ? identity["staff:".Length..] : null,
        };
    }

    private static BoundAccount Bound(RaAccountEntity a) => new(a.Id, a.Identity, a.Kind, a.Role, a.StaffId, a.SubjectKey, a.DisplayName);
}
