using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Keys;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Kmc;

/// <summary>Key recovery (GM/T 0034 §12.4–12.5): requests, two-officer approval, release only enveloped for a named certificate.</summary>
public sealed partial class KeyManagementCentre
{
    /// <summary>Opens a recovery of the key of an encryption certificate, to be released only to <paramref name="recipientCertificate"/>.</summary>
    public async Task<long> RequestRecoveryAsync(string authority, string encryptionSerial, RecoveryKind kind, byte[] recipientCertificate, PlatformCredential requester, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 1000)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "a recovery needs a reason (1..1000 characters): the case, the order or the lost key");
        }

        if (!Enum.IsDefined(kind))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"recovery kind {kind}: Subscriber or Judicial");
        }

        var officer = await RequireRecoveryOfficerAsync(requester, cancellationToken);
        var recipient = MalformedInput.Parse(() => new X509CertificateParser().ReadCertificate(recipientCertificate), PkiErrorCodes.InvalidArgument, "the recipient certificate is not a certificate")
            ?? throw new PkiException(PkiErrorCodes.InvalidArgument, "the recipient certificate is empty");
        return await _store.ChangeAsync<long>(async (kmc, db) =>
        {
            var key = await kmc.Keys.AsNoTracking().SingleOrDefaultAsync(k => k.Authority == authority && k.CertificateSerial == encryptionSerial, cancellationToken)
                ?? throw new PkiException(KmcErrorCodes.UnknownKey, $"the KMC archived no key for certificate {authority}/{encryptionSerial}");
            if (key.Status is not (ArchivedKeyStatus.Active or ArchivedKeyStatus.Compromised))
            {
                throw new PkiException(KmcErrorCodes.KeyState, $"the key of {authority}/{encryptionSerial} is {key.Status}: nothing to recover");
            }

            var holder = await RequireRecipientAsync(db, recipient, key, kind, cancellationToken);
            if (kind == RecoveryKind.Judicial && holder == officer.Identity)
            {
                throw new PkiException(KmcErrorCodes.Recipient, $"{officer.Identity} cannot open a judicial recovery to a certificate of their own account; the requester of the key is someone else");
            }

            var recovery = new KeyRecoveryEntity
            {
                KeyId = key.KeyId, Kind = kind, RecipientCertificate = recipient.GetEncoded(), RequestedBy = officer.Identity, Reason = reason.Trim(),
                Status = RecoveryStatus.Pending, CreatedAt = _ca.Clock.GetUtcNow().UtcDateTime,
            };
            kmc.Recoveries.Add(recovery);
            await kmc.SaveChangesAsync(cancellationToken);
            return (recovery.Id, [new AuditRecord(requester.AuditActor, KmcAuditActions.RecoveryRequested, $"kmc/recovery/{recovery.Id}",
                $"key={key.KeyId}; certificate={authority}/{encryptionSerial}; kind={kind}; to={recipient.SubjectDN} serial {SerialNumbers.ToHex(recipient.SerialNumber.ToByteArrayUnsigned())}; reason={reason.Trim()}")]);
        }, cancellationToken);
    }

    /// <summary>
    /// One key-recovery officer's approval. The key is released (enveloped for the recipient certificate, never in clear)
    /// when <see cref="KmcOptions.RecoveryApprovals"/> distinct officers approved; the requester counts as none of them.
    /// </summary>
    public Task<RecoveryOutcome> ApproveRecoveryAsync(long recoveryId, PlatformCredential approver, string reason, CancellationToken cancellationToken = default) =>
        ApproveRecoveryAsync(recoveryId, approver, reason, null, cancellationToken);

    /// <param name="digest">
    /// The <see cref="RecoveryDetails.Digest"/> the officer was shown (<see cref="DescribeRecoveryAsync"/>): the approval
    /// counts only for exactly that recovery (kmc.recovery_changed otherwise). The KMC host's API requires it.
    /// </param>
    public async Task<RecoveryOutcome> ApproveRecoveryAsync(long recoveryId, PlatformCredential approver, string reason, string? digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approver);
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 1000)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "an approval needs a reason (1..1000 characters)");
        }

        var officer = await RequireRecoveryOfficerAsync(approver, cancellationToken);
        return await _store.ChangeAsync<RecoveryOutcome>(async (kmc, db) =>
        {
            // Lock the recovery first (PostgreSQL row lock; SQLite's write lock), so two officers approving at the same moment
            // are counted one after the other: never two releases, never a wrong count.
            await kmc.Recoveries.Where(r => r.Id == recoveryId).ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, r => r.Status), cancellationToken);
            var recovery = await kmc.Recoveries.Include(r => r.Approvals).SingleOrDefaultAsync(r => r.Id == recoveryId, cancellationToken)
                ?? throw new PkiException(KmcErrorCodes.UnknownRecovery, $"no key recovery {recoveryId}");
            if (digest is not null && !string.Equals(digest, Digest(recovery), StringComparison.OrdinalIgnoreCase))
            {
                throw new PkiException(KmcErrorCodes.RecoveryChanged, $"recovery {recoveryId} is not the one you were shown (digest differs); look at it again before approving");
            }

            if (recovery.Status != RecoveryStatus.Pending)
            {
                throw new PkiException(KmcErrorCodes.KeyState, $"recovery {recoveryId} is {recovery.Status.ToString().ToLowerInvariant()} already");
            }

            if (recovery.CreatedAt.AddHours(_options.RecoveryExpiryHours) <= _ca.Clock.GetUtcNow().UtcDateTime)
            {
                throw new PkiException(KmcErrorCodes.KeyState,
                    $"recovery {recoveryId} was opened at {recovery.CreatedAt:yyyy-MM-dd HH:mm} UTC and expired after {_options.RecoveryExpiryHours} h (Kmc:RecoveryExpiryHours) without its approvals; open a new one");
            }

            if (recovery.RequestedBy == officer.Identity)
            {
                throw new PkiException(KmcErrorCodes.SameOfficer, $"{officer.Identity} requested recovery {recoveryId} and cannot also approve it");
            }

            if (recovery.Approvals.Any(a => a.Approver == officer.Identity))
            {
                throw new PkiException(KmcErrorCodes.SameOfficer, $"{officer.Identity} approved recovery {recoveryId} already; another key-recovery officer must approve");
            }

            var key = await kmc.Keys.AsNoTracking().SingleAsync(k => k.KeyId == recovery.KeyId, cancellationToken);
            var recipient = new X509CertificateParser().ReadCertificate(recovery.RecipientCertificate);
            // Judged again at every approval: the recipient may have been revoked, expired or moved since the request; and
            // whoever holds the recipient certificate approves nothing that releases to them.
            var holder = await RequireRecipientAsync(db, recipient, key, recovery.Kind, cancellationToken);
            if (recovery.Kind == RecoveryKind.Judicial && holder == officer.Identity)
            {
                throw new PkiException(KmcErrorCodes.Recipient, $"recovery {recoveryId} releases to a certificate of {holder}, who cannot approve it; another key-recovery officer must approve");
            }

            // Counted before the new row is added: EF's fix-up puts an added approval into recovery.Approvals at once.
            var count = recovery.Approvals.Count + 1;
            var now = _ca.Clock.GetUtcNow().UtcDateTime;
            var approval = new RecoveryApprovalEntity { RecoveryId = recovery.Id, Approver = officer.Identity, Certificate = approver.Certificate, Reason = reason.Trim(), At = now };
            kmc.RecoveryApprovals.Add(approval);
            var records = new List<AuditRecord>
            {
                new(approver.AuditActor, KmcAuditActions.RecoveryApproved, $"kmc/recovery/{recovery.Id}", $"approval {count} of {_options.RecoveryApprovals}; reason={reason.Trim()}"),
            };
            if (count < _options.RecoveryApprovals)
            {
                return (new RecoveryOutcome(recovery.Id, RecoveryStatus.Pending, count, _options.RecoveryApprovals, null), records);
            }

            var envelope = KeyEnvelopes.Seal(Decrypt(key), recipient);
            recovery.Status = RecoveryStatus.Released;
            recovery.ReleasedAt = now;
            recovery.Envelope = envelope.Der;
            recovery.EnvelopeFormat = envelope.Format;
            kmc.Recoveries.Update(recovery);
            records.Add(new AuditRecord("kmc", KmcAuditActions.KeyReleased, $"kmc/{key.KeyId}",
                $"recovery={recovery.Id}; kind={recovery.Kind}; envelope={envelope.Format} for {recipient.SubjectDN} serial {SerialNumbers.ToHex(recipient.SerialNumber.ToByteArrayUnsigned())}"));
            return (new RecoveryOutcome(recovery.Id, RecoveryStatus.Released, count, _options.RecoveryApprovals, envelope), records);
        }, cancellationToken);
    }

    /// <summary>The key-recovery officer behind <paramref name="credential"/> (the role read from the account), or kmc.forbidden.</summary>
    public async Task<BoundAccount> RequireRecoveryOfficerAsync(PlatformCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        // The role is read again from the account, never taken from a name in the certificate.
        RaAccountEntity? account = null;
        if (credential.Account is { } bound)
        {
            await using var db = _ca.Database.CreateContext();
            account = await db.RaAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == bound.Id && a.Identity == bound.Identity, cancellationToken);
        }

        if (account is not { Active: true, Role: RaRole.KeyRecoveryOfficer })
        {
            var who = credential.Account?.Identity ?? $"certificate {credential.Certificate}";
            throw new PkiException(KmcErrorCodes.Forbidden, $"{who} does not hold the KeyRecoveryOfficer role" + (account?.Role is { } other ? $" (holds {other}; roles are separate)" : ""));
        }

        return credential.Account!;
    }

    /// <returns>The account the recipient certificate is bound to (null: none, only for a subscriber pair issued outside the RA).</returns>
    private async Task<string?> RequireRecipientAsync(CaDbContext db, X509Certificate recipient, ArchivedKeyEntity key, RecoveryKind kind, CancellationToken cancellationToken)
    {
        // The recipient is a live certificate of this platform (its record, not only its name).
        // Looked up by (authority, serial), the certificates' unique index, over this platform's authorities.
        var serial = SerialNumbers.ToHex(recipient.SerialNumber.ToByteArrayUnsigned());
        var authorityIds = await db.Authorities.AsNoTracking().Select(a => a.Id).ToListAsync(cancellationToken);
        var record = await db.Certificates.AsNoTracking().Where(c => authorityIds.Contains(c.AuthorityId) && c.Serial == serial && c.Der != null).Select(c => new { c.Id, c.Der, c.Status, c.NotAfter, c.SubjectDn }).ToListAsync(cancellationToken);
        var match = record.FirstOrDefault(r => r.Der!.AsSpan().SequenceEqual(recipient.GetEncoded()));
        if (match is null || match.Status != CertificateStatus.Issued || match.NotAfter <= _ca.Clock.GetUtcNow().UtcDateTime)
        {
            throw new PkiException(KmcErrorCodes.Recipient, $"the recipient '{recipient.SubjectDN}' is not a valid certificate of this platform (issued here, not revoked, not expired)");
        }

        if (KeyAlgorithmNames.TryParse(key.Algorithm, out var algorithm) && KeyEnvelopes.CannotSeal(algorithm.Value, recipient) is { } mismatch)
        {
            throw new PkiException(KmcErrorCodes.Recipient, mismatch);
        }

        var holderAccount = await db.AccountCertificates.AsNoTracking().Where(b => b.CertificateId == match.Id)
            .Join(db.RaAccounts, b => b.AccountId, a => a.Id, (b, a) => new { a.Identity, a.Kind, a.Active }).FirstOrDefaultAsync(cancellationToken);
        if (kind == RecoveryKind.Judicial && holderAccount is not { Kind: AccountKind.Person, Active: true })
        {
            throw new PkiException(KmcErrorCodes.Recipient,
                $"a judicial recovery goes to the certificate of a person's active account (the authorised requester); '{recipient.SubjectDN}' belongs to {holderAccount?.Identity ?? "no account"}");
        }

        if (kind == RecoveryKind.Subscriber)
        {
            var original = await db.Certificates.AsNoTracking().Join(db.Authorities.Where(a => a.Name == key.Authority), c => c.AuthorityId, a => a.Id, (c, _) => c)
                .Where(c => c.Serial == key.CertificateSerial).Select(c => new { c.Id, c.SubjectDn }).FirstOrDefaultAsync(cancellationToken)
                ?? throw new PkiException(KmcErrorCodes.UnknownKey, $"the encryption certificate {key.Authority}/{key.CertificateSerial} is not in the CA's records");
            // The same subscriber is the same account: both certificates bound to one account by the CA. Only a pair issued
            // outside the RA (no account) falls back to the subject, and then the recipient must be bound to no account either
            // (no two accounts hold equivalent subjects, trust model item 2).
            var owners = await db.AccountCertificates.AsNoTracking().Where(b => b.CertificateId == original.Id || b.CertificateId == match.Id)
                .Join(db.RaAccounts, b => b.AccountId, a => a.Id, (b, a) => new { b.CertificateId, a.Identity }).ToListAsync(cancellationToken);
            var subscriber = owners.FirstOrDefault(o => o.CertificateId == original.Id)?.Identity;
            var holder = owners.FirstOrDefault(o => o.CertificateId == match.Id)?.Identity;
            if (subscriber is not null || holder is not null)
            {
                if (!string.Equals(subscriber, holder, StringComparison.Ordinal))
                {
                    throw new PkiException(KmcErrorCodes.Recipient,
                        $"a subscriber recovery goes to the same account's new signing certificate; the encryption certificate belongs to {subscriber ?? "no account"}, '{recipient.SubjectDN}' to {holder ?? "no account"}");
                }
            }
            else if (!X509Name.GetInstance(new X509CertificateParser().ReadCertificate(match.Der!).SubjectDN.ToAsn1Object()).Equivalent(new X509Name(original.SubjectDn)))
            {
                throw new PkiException(KmcErrorCodes.Recipient, $"a subscriber recovery goes to the same subscriber's new signing certificate; '{recipient.SubjectDN}' is not the subject of the encryption certificate ('{original.SubjectDn}')");
            }
        }

        return holderAccount?.Identity;
    }

    /// <summary>What recovery <paramref name="recoveryId"/> releases, to whom, asked by whom and why: for a key-recovery officer before approving.</summary>
    public async Task<RecoveryDetails> DescribeRecoveryAsync(long recoveryId, PlatformCredential officer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(officer);
        await RequireRecoveryOfficerAsync(officer, cancellationToken);
        return await _store.ReadAsync(async kmc =>
        {
            var recovery = await kmc.Recoveries.AsNoTracking().Include(r => r.Approvals).SingleOrDefaultAsync(r => r.Id == recoveryId, cancellationToken)
                ?? throw new PkiException(KmcErrorCodes.UnknownRecovery, $"no key recovery {recoveryId}");
            var key = await kmc.Keys.AsNoTracking().SingleAsync(k => k.KeyId == recovery.KeyId, cancellationToken);
            var recipient = new X509CertificateParser().ReadCertificate(recovery.RecipientCertificate);
            var recipientSerial = SerialNumbers.ToHex(recipient.SerialNumber.ToByteArrayUnsigned());
            await using var db = _ca.Database.CreateContext();
            var holder = await db.Certificates.AsNoTracking().Where(c => c.Serial == recipientSerial)
                .Join(db.AccountCertificates, c => c.Id, b => b.CertificateId, (c, b) => b.AccountId)
                .Join(db.RaAccounts, id => id, a => a.Id, (_, a) => a.Identity).FirstOrDefaultAsync(cancellationToken);
            return new RecoveryDetails(recovery.Id, recovery.Kind, recovery.Status, $"{key.Authority}/{key.CertificateSerial}", recipient.SubjectDN.ToString(), recipientSerial,
                holder, recovery.RequestedBy, recovery.Reason, recovery.CreatedAt, recovery.Approvals.OrderBy(a => a.At).Select(a => a.Approver).ToList(), _options.RecoveryApprovals, Digest(recovery),
                recovery.CreatedAt.AddHours(_options.RecoveryExpiryHours),
                recovery is { Envelope: { } der, EnvelopeFormat: { } format } ? new EncryptionKeyEnvelope(format, der) : null); // only the recipient's key opens it
        }, cancellationToken);
    }

    /// <summary>SHA-256 over what an approval agrees to: the recovery, the key, the kind, the recipient certificate, the requester and the reason.</summary>
    private static string Digest(KeyRecoveryEntity recovery) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"pki-kmc-recovery-v1|{recovery.Id}|{recovery.KeyId}|{recovery.Kind}|{Convert.ToHexStringLower(SHA256.HashData(recovery.RecipientCertificate))}|{recovery.RequestedBy}|{recovery.Reason}")));
}
