using PkiPlatform.CaCore.Issuance;
using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.TokenService;

/// <summary>
/// Keys the platform holds for business systems. Each belongs to exactly one registered business-system account
/// (<c>system:NAME</c>; its certificates are bound to it explicitly) and serves one purpose. No name comparison
/// is involved: a look-alike subject reaches nothing (trust-model item 3). Creating one generates the
/// key in the key store and issues its certificate (profile system-signing or system-encryption).
/// </summary>
public sealed class ServiceKeys(CertificateAuthority ca, TimeProvider clock)
{
    public async Task<ServiceKeyEntity> CreateAsync(string owner, ServiceKeyUsage usage, KeyAlgorithm algorithm, X509Name subject, int validityDays,
        string actor, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(owner))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "the owner (a registered business-system account, system:NAME) is required");
        }

        var account = await ca.Accounts.FindAsync(owner.Trim(), cancellationToken);
        if (account is not { Kind: AccountKind.System })
        {
            throw new PkiException(CaErrorCodes.UnknownAccount,
                $"'{owner}' is not a registered business-system account; register it first (pki account register system:NAME) and name it as the owner");
        }

        var normalizedOwner = account.Identity;
        var now = clock.GetUtcNow().UtcDateTime;
        var label = $"{(usage == ServiceKeyUsage.Sign ? "sign" : "decrypt")}-{now:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
        var profile = usage == ServiceKeyUsage.Sign ? "system-signing" : "system-encryption";
        var issued = await ca.ServiceCertificates.IssueForNewKeyAsync(ca.Options.IssuingAuthority, algorithm, label, subject, profile, validityDays, actor,
            usage == ServiceKeyUsage.Sign ? KeyPurpose.Signing : KeyPurpose.Decryption,
            // The certificate belongs to the platform's signing service, which holds the key on the owner's behalf (service_keys.owner).
            account: new AccountBinding(AccountIdentity.Platform("signing-service"), "Signing service"), cancellationToken: cancellationToken);
        var entity = new ServiceKeyEntity
        {
            KeyLabel = label, Owner = normalizedOwner, Usage = Name(usage), Serial = issued.Serial, CertificateDer = issued.Der,
            NotAfter = issued.NotAfter, CreatedAt = now,
        };
        await using var db = ca.Database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.ServiceKeys.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        await ca.Audit.AppendAsync(db, [new AuditRecord(actor, AuditActions.ServiceKeyCreated, label,
            $"owner={normalizedOwner}; usage={entity.Usage}; serial={issued.Serial}; algorithm={algorithm.ToName()}")], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return entity;
    }

    public async Task<IReadOnlyList<ServiceKeyEntity>> ListAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        return await db.ServiceKeys.AsNoTracking().Where(k => k.DisabledAt == null && k.Owner == owner).OrderBy(k => k.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Every service key (disabled ones too), optionally of one owner; for operators.</summary>
    public async Task<IReadOnlyList<ServiceKeyEntity>> ListAllAsync(string? owner, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        return await db.ServiceKeys.AsNoTracking().Where(k => owner == null || k.Owner == owner).OrderBy(k => k.Id).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Takes a key out of service and revokes its certificate (cessationOfOperation). The key stays in the key
    /// store: a decryption key may still be needed to open old data, by an operator, later.
    /// </summary>
    public async Task DisableAsync(string label, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        var key = await db.ServiceKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyLabel == label, cancellationToken)
            ?? throw new PkiException(TokenErrorCodes.ServiceKeyNotFound, $"there is no service key '{label}'");
        if (key.DisabledAt is not null)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"service key '{label}' was already disabled on {key.DisabledAt:yyyy-MM-dd}");
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var now = clock.GetUtcNow().UtcDateTime;
            // Conditional update: of two operators disabling at once, one wins and one is told.
            if (await db.ServiceKeys.Where(k => k.Id == key.Id && k.DisabledAt == null)
                    .ExecuteUpdateAsync(set => set.SetProperty(k => k.DisabledAt, now), cancellationToken) == 0)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"service key '{label}' was disabled meanwhile");
            }

            await ca.Audit.AppendAsync(db, [new AuditRecord(actor, AuditActions.ServiceKeyDisabled, label, $"owner={key.Owner}; serial={key.Serial}")], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var status = await db.Certificates.AsNoTracking().Where(c => c.Serial == key.Serial).Select(c => c.Status).FirstAsync(cancellationToken);
        if (status == CertificateStatus.Issued)
        {
            await ca.Revocations.RevokeAsync(key.Serial, CaCore.Revocation.RevocationReason.CessationOfOperation, null, actor, cancellationToken);
        }
    }

    /// <summary>The key <paramref name="label"/> if <paramref name="caller"/> owns it, it serves <paramref name="usage"/> and its certificate is current.</summary>
    public async Task<ServiceKeyEntity> ResolveAsync(string label, string caller, ServiceKeyUsage usage, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        var key = await db.ServiceKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyLabel == label, cancellationToken)
            ?? throw new PkiException(TokenErrorCodes.ServiceKeyNotFound, $"there is no service key '{label}'; list yours with GET /api/v1/token/keys");
        if (!string.Equals(key.Owner, caller, StringComparison.Ordinal))
        {
            throw new PkiException(TokenErrorCodes.ServiceKeyForbidden, $"service key '{label}' belongs to another system");
        }

        if (key.Usage != Name(usage))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"service key '{label}' is a {key.Usage} key; use a {Name(usage)} key for this operation");
        }

        if (key.DisabledAt is not null)
        {
            throw new PkiException(TokenErrorCodes.ServiceKeyForbidden, $"service key '{label}' was disabled on {key.DisabledAt:yyyy-MM-dd}");
        }

        var status = await db.Certificates.AsNoTracking().Where(c => c.Serial == key.Serial).Select(c => new { c.Status, c.RevokedAt }).FirstAsync(cancellationToken);
        if (status.Status is CertificateStatus.Revoked or CertificateStatus.OnHold)
        {
            throw new PkiException(TokenErrorCodes.ServiceKeyForbidden, $"the certificate of service key '{label}' was revoked on {status.RevokedAt:yyyy-MM-dd}; create a new key");
        }

        if (key.NotAfter <= clock.GetUtcNow().UtcDateTime)
        {
            throw new PkiException(TokenErrorCodes.ServiceKeyForbidden, $"the certificate of service key '{label}' expired on {key.NotAfter:yyyy-MM-dd}; create a new key");
        }

        return key;
    }

    private static string Name(ServiceKeyUsage usage) => usage == ServiceKeyUsage.Sign ? "sign" : "decrypt";
}
