using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Revocation;

/// <summary>Revokes, holds and releases certificates; each change and its audit event commit together.</summary>
public sealed class RevocationService(CaDatabase database, AuthorityDirectory authorities, AuditTrail audit, TimeProvider clock)
{
    public async Task<CertificateEntity> RevokeAsync(string serial, RevocationReason reason, DateTime? invalidityDate, string actor, CancellationToken cancellationToken = default)
    {
        if (reason == RevocationReason.RemoveFromCrl)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "removeFromCRL is not a reason to revoke; release the hold instead");
        }

        var now = ExtensionBuilder.WholeSeconds(clock.GetUtcNow().UtcDateTime);
        if (invalidityDate is { } invalid && invalid > now)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "the invalidity date lies in the future; it says when the key was (suspected) compromised");
        }

        return await ChangeAsync(serial, actor, (certificate, issuer) =>
        {
            switch (certificate.Status)
            {
                case CertificateStatus.Revoked:
                    throw new PkiException(CaErrorCodes.AlreadyRevoked,
                        $"certificate {certificate.Serial} was already revoked on {certificate.RevokedAt:u} ({((RevocationReason)certificate.RevocationReason!).ToName()})");
                case CertificateStatus.OnHold when reason == RevocationReason.CertificateHold:
                    throw new PkiException(CaErrorCodes.AlreadyRevoked, $"certificate {certificate.Serial} is already on hold since {certificate.RevokedAt:u}");
            }

            // A held certificate revoked for good keeps its original revocation time (RFC 5280 §5.3.1 note on hold).
            certificate.RevokedAt = certificate.Status == CertificateStatus.OnHold ? certificate.RevokedAt : now;
            certificate.Status = reason == RevocationReason.CertificateHold ? CertificateStatus.OnHold : CertificateStatus.Revoked;
            certificate.RevocationReason = (int)reason;
            certificate.InvalidityDate = invalidityDate is { } date ? ExtensionBuilder.WholeSeconds(date.ToUniversalTime()) : null;
            certificate.StatusChangedAt = now;
            var action = reason == RevocationReason.CertificateHold ? AuditActions.CertificateHeld : AuditActions.CertificateRevoked;
            return new AuditRecord(actor, action, $"{issuer}/{certificate.Serial}",
                $"reason={reason.ToName()}" + (invalidityDate is null ? "" : $"; invalidityDate={certificate.InvalidityDate:O}"));
        }, cancellationToken);
    }

    public async Task<CertificateEntity> ReleaseHoldAsync(string serial, string actor, CancellationToken cancellationToken = default)
    {
        var now = ExtensionBuilder.WholeSeconds(clock.GetUtcNow().UtcDateTime);
        return await ChangeAsync(serial, actor, (certificate, issuer) =>
        {
            if (certificate.Status != CertificateStatus.OnHold)
            {
                throw new PkiException(CaErrorCodes.NotOnHold, $"certificate {certificate.Serial} is not on hold (status {certificate.Status})");
            }

            certificate.Status = CertificateStatus.Issued;
            certificate.RevokedAt = null;
            certificate.RevocationReason = null;
            certificate.InvalidityDate = null;
            certificate.StatusChangedAt = now;
            return new AuditRecord(actor, AuditActions.CertificateReleased, $"{issuer}/{certificate.Serial}", "reason=removeFromCRL");
        }, cancellationToken);
    }

    private async Task<CertificateEntity> ChangeAsync(string serial, string actor,
        Func<CertificateEntity, string, AuditRecord> change, CancellationToken cancellationToken)
    {
        var canonical = SerialNumbers.Normalize(serial);
        var issuer = await authorities.GetAsync(authorities.IssuingAuthorityName, cancellationToken);
        await using var db = database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Lock the row first (PostgreSQL FOR UPDATE; SQLite's write lock via the no-op update), so two
        // officers revoking at once cannot both pass the status check.
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE certificates SET status = status WHERE authority_id = {issuer.Id} AND serial = {canonical}", cancellationToken);
        var certificate = await db.Certificates.AsTracking()
            .SingleOrDefaultAsync(c => c.AuthorityId == issuer.Id && c.Serial == canonical, cancellationToken);
        if (certificate is null || certificate.Status == CertificateStatus.Intent)
        {
            throw new PkiException(CaErrorCodes.UnknownSerial, $"CA '{issuer.Name}' has issued no certificate with serial {canonical}");
        }

        var record = change(certificate, issuer.Name);
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db, [record with { Actor = actor }], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return certificate;
    }
}
