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

            await RequireRecipientAsync(db, recipient, key, kind, cancellationToken);
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
    public async Task<RecoveryOutcome> ApproveRecoveryAsync(long recoveryId, PlatformCredential approver, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(approver);
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 1000)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "an approval needs a reason (1..1000 characters)");
        }

        var officer = await RequireRecoveryOfficerAsync(approver, cancellationToken);
        return await _store.ChangeAsync<RecoveryOutcome>(async (kmc, _) =>
        {
            var recovery = await kmc.Recoveries.Include(r => r.Approvals).SingleOrDefaultAsync(r => r.Id == recoveryId, cancellationToken)
                ?? throw new PkiException(KmcErrorCodes.UnknownRecovery, $"no key recovery {recoveryId}");
            if (recovery.Status != RecoveryStatus.Pending)
            {
                throw new PkiException(KmcErrorCodes.KeyState, $"recovery {recoveryId} is {recovery.Status.ToString().ToLowerInvariant()} already");
            }

            if (recovery.RequestedBy == officer.Identity)
            {
                throw new PkiException(KmcErrorCodes.SameOfficer, $"{officer.Identity} requested recovery {recoveryId} and cannot also approve it");
            }

            if (recovery.Approvals.Any(a => a.Approver == officer.Identity))
            {
                throw new PkiException(KmcErrorCodes.SameOfficer, $"{officer.Identity} approved recovery {recoveryId} already; another key-recovery officer must approve");
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

            var key = await kmc.Keys.AsNoTracking().SingleAsync(k => k.KeyId == recovery.KeyId, cancellationToken);
            var recipient = new X509CertificateParser().ReadCertificate(recovery.RecipientCertificate);
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

    private async Task<BoundAccount> RequireRecoveryOfficerAsync(PlatformCredential credential, CancellationToken cancellationToken)
    {
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

    private async Task RequireRecipientAsync(CaDbContext db, X509Certificate recipient, ArchivedKeyEntity key, RecoveryKind kind, CancellationToken cancellationToken)
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
    }
}
