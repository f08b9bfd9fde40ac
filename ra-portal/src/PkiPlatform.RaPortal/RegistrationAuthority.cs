using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Issuance.Checks;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.RaPortal;

/// <summary>
/// The RA: takes applications (checked against the profile at once), collects officer decisions under
/// dual control (distinct officers, never one's own request, once each), and hands approved work to the
/// CA worker through the database. Roles are checked here, on the server, for every action.
/// </summary>
public sealed class RegistrationAuthority(CertificateAuthority ca, IRaWorkSignal signal, TimeProvider clock)
{
    public CsrPreview Preview(string profileName, byte[] csr)
    {
        var profile = ca.Profiles.Get(profileName);
        var request = CertificateRequest.Parse(csr);
        var sans = request.SubjectAltNames?.GetNames()
            .Select(n => $"{SubjectAltNameCheck.TypeName(n.TagNo) ?? n.TagNo.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{SubjectAltNameCheck.Value(n)}").ToList() ?? [];
        return new CsrPreview(request.Subject.ToString(), request.KeyDescription, sans, IssuancePreparer.Evaluate(request, profile));
    }

    public async Task<RaRequestEntity> SubmitAsync(RaApplication application, string submittedBy, CancellationToken cancellationToken = default)
    {
        Require(application.ApplicantName, "applicantName", 64);
        Require(application.ApplicantStaffId, "staffId", 32);
        Require(application.Organization, "organization", 64);
        Limit(application.Unit, "unit", 64);
        Limit(application.Contact, "contact", 128);
        var preview = Preview(application.Profile, application.Csr);
        if (!preview.Acceptable)
        {
            throw new PkiException(PkiErrorCodes.ProfileViolation, string.Join("; ", preview.Checks.Where(c => !c.Passed).Select(c => c.Message)));
        }

        var profile = ca.Profiles.Get(application.Profile);
        var now = clock.GetUtcNow().UtcDateTime;
        var entity = new RaRequestEntity
        {
            Kind = RaRequestKind.Issue,
            Status = RaRequestStatus.Pending,
            Profile = profile.Name,
            CsrDer = CertificateRequest.Parse(application.Csr).Csr.GetEncoded(),
            SubjectDn = preview.Subject,
            ApplicantName = application.ApplicantName.Trim(),
            ApplicantStaffId = application.ApplicantStaffId.Trim(),
            Organization = application.Organization.Trim(),
            Unit = application.Unit.Trim(),
            Contact = application.Contact.Trim(),
            SubmittedBy = submittedBy,
            RequiredApprovals = profile.Approvals,
            TrackingCode = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            SubmittedAt = now,
        };
        await using var db = ca.Database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.RaRequests.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        await ca.Audit.AppendAsync(db, [new AuditRecord(submittedBy, "ra.request_submitted", $"request/{entity.Id}",
            $"profile={entity.Profile}; subject={entity.SubjectDn}; approvals={entity.RequiredApprovals}")], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return entity;
    }

    /// <summary>An officer asks to revoke (or hold, with certificateHold); the certificate's profile says how many further officers must approve.</summary>
    public Task<RaRequestEntity> RequestRevocationAsync(string serial, RevocationReason reason, string officer, CancellationToken cancellationToken = default) =>
        RequestStatusChangeAsync(serial, RaRequestKind.Revoke, reason, officer, cancellationToken);

    /// <summary>An officer asks to release a held certificate, under the same dual control as revocation.</summary>
    public Task<RaRequestEntity> RequestReleaseAsync(string serial, string officer, CancellationToken cancellationToken = default) =>
        RequestStatusChangeAsync(serial, RaRequestKind.Release, RevocationReason.RemoveFromCrl, officer, cancellationToken);

    private async Task<RaRequestEntity> RequestStatusChangeAsync(string serial, RaRequestKind kind, RevocationReason reason, string officer, CancellationToken cancellationToken)
    {
        await RequireRoleAsync(officer, RaRole.Officer, cancellationToken);
        var canonical = SerialNumbers.Normalize(serial);
        await using var db = ca.Database.CreateContext();
        var certificate = await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Serial == canonical && c.Status != CertificateStatus.Intent, cancellationToken)
            ?? throw new PkiException(PkiErrorCodes.UnknownSerial, $"no certificate with serial {canonical}");
        var approvals = ca.Profiles.All.FirstOrDefault(p => p.Name == certificate.Profile)?.RevocationApprovals ?? 1;
        var now = clock.GetUtcNow().UtcDateTime;
        var entity = new RaRequestEntity
        {
            Kind = kind,
            Status = approvals == 0 ? RaRequestStatus.Approved : RaRequestStatus.Pending,
            Profile = certificate.Profile,
            SubjectDn = certificate.SubjectDn,
            Serial = canonical,
            RevocationReason = (int)reason,
            SubmittedBy = officer,
            RequiredApprovals = approvals,
            SubmittedAt = now,
            DecidedAt = approvals == 0 ? now : null,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.RaRequests.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        await ca.Audit.AppendAsync(db, [new AuditRecord(officer, kind == RaRequestKind.Release ? "ra.release_requested" : "ra.revocation_requested", $"request/{entity.Id}",
            $"serial={canonical}; reason={reason.ToName()}; approvals={approvals}")], cancellationToken);
        await NotifyIfApprovedAsync(db, entity, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Wake(entity);
        return entity;
    }

    public Task<RaRequestEntity> ApproveAsync(long requestId, string officer, string reason, CancellationToken cancellationToken = default) =>
        DecideAsync(requestId, officer, approve: true, reason, cancellationToken);

    public Task<RaRequestEntity> RejectAsync(long requestId, string officer, string reason, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new PkiException(RaErrorCodes.InvalidApplication, "a rejection needs a reason the applicant can act on");
        }

        return DecideAsync(requestId, officer, approve: false, reason, cancellationToken);
    }

    /// <summary>Creates or changes an account. Only an RA admin may; "system" bootstraps the first admin.</summary>
    public async Task<RaAccountEntity> SetAccountAsync(string identity, string displayName, RaRole role, bool active, string actor, CancellationToken cancellationToken = default)
    {
        if (actor != "system")
        {
            await RequireRoleAsync(actor, RaRole.RaAdmin, cancellationToken);
        }

        Require(identity, "identity", 512);
        await using var db = ca.Database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var account = await db.RaAccounts.AsTracking().FirstOrDefaultAsync(a => a.Identity == identity, cancellationToken);
        var before = account is null ? "none" : $"{account.Role}{(account.Active ? "" : " (inactive)")}";
        if (account is null)
        {
            account = new RaAccountEntity { Identity = identity, CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.RaAccounts.Add(account);
        }

        account.DisplayName = displayName;
        account.Role = role;
        account.Active = active;
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
        await ca.Audit.AppendAsync(db, [new AuditRecord(actor, "ra.account_changed", identity, $"role {before} -> {role}{(active ? "" : " (inactive)")}")], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return account;
    }

    public async Task<RaAccountEntity?> FindAccountAsync(string identity, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        return await db.RaAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Identity == identity && a.Active, cancellationToken);
    }

    public async Task<RaRequestEntity> GetAsync(long requestId, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        return await db.RaRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken)
            ?? throw new PkiException(RaErrorCodes.UnknownRequest, $"no request {requestId}");
    }

    public async Task<RaRequestEntity?> FindByTrackingCodeAsync(string code, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(code) || code.Length != 32)
        {
            return null;
        }

        await using var db = ca.Database.CreateContext();
        return await db.RaRequests.AsNoTracking().FirstOrDefaultAsync(r => r.TrackingCode == code, cancellationToken);
    }

    public async Task<IReadOnlyList<RaRequestEntity>> QueueAsync(RaRequestStatus status, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        return await db.RaRequests.AsNoTracking().Where(r => r.Status == status).OrderBy(r => r.Id).Skip(skip).Take(Math.Clamp(take, 1, 200)).ToListAsync(cancellationToken);
    }

    public async Task RequireRoleAsync(string identity, RaRole role, CancellationToken cancellationToken)
    {
        var account = await FindAccountAsync(identity, cancellationToken);
        if (account is null || account.Role != role)
        {
            throw new PkiException(RaErrorCodes.Forbidden, $"'{identity}' does not hold the {role} role" + (account is null ? "" : $" (holds {account.Role})"));
        }
    }

    private async Task<RaRequestEntity> DecideAsync(long requestId, string officer, bool approve, string reason, CancellationToken cancellationToken)
    {
        await RequireRoleAsync(officer, RaRole.Officer, cancellationToken);
        Limit(reason, "reason", 512);
        await using var db = ca.Database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Take the row's write lock first (PostgreSQL row lock; SQLite database lock) so two officers
        // deciding at once see each other's decisions.
        await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE ra_requests SET status = status WHERE id = {requestId}", cancellationToken);
        var request = await db.RaRequests.AsTracking().FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken)
            ?? throw new PkiException(RaErrorCodes.UnknownRequest, $"no request {requestId}");
        if (request.Status != RaRequestStatus.Pending)
        {
            throw new PkiException(RaErrorCodes.NotPending, $"request {requestId} is {request.Status}, not pending");
        }

        if (request.SubmittedBy == officer)
        {
            throw new PkiException(RaErrorCodes.OwnRequest, $"request {requestId} was submitted by you; another officer must decide it");
        }

        if (await db.RaDecisions.AnyAsync(d => d.RequestId == requestId && d.Officer == officer, cancellationToken))
        {
            throw new PkiException(RaErrorCodes.AlreadyDecided, $"you already decided request {requestId}; dual control needs a different officer");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.RaDecisions.Add(new RaDecisionEntity { RequestId = requestId, Officer = officer, Approved = approve, Reason = reason, At = now });
        await db.SaveChangesAsync(cancellationToken);
        var approvals = await db.RaDecisions.CountAsync(d => d.RequestId == requestId && d.Approved, cancellationToken);
        if (!approve)
        {
            request.Status = RaRequestStatus.Rejected;
            request.Outcome = reason;
            request.DecidedAt = now;
        }
        else if (approvals >= request.RequiredApprovals)
        {
            request.Status = RaRequestStatus.Approved;
            request.DecidedAt = now;
        }

        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
        await ca.Audit.AppendAsync(db, [new AuditRecord(officer, approve ? "ra.request_approved" : "ra.request_rejected", $"request/{requestId}",
            $"approvals={approvals}/{request.RequiredApprovals}; status={request.Status}" + (reason.Length > 0 ? $"; reason={reason}" : ""))], cancellationToken);
        await NotifyIfApprovedAsync(db, request, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Wake(request);
        return request;
    }

    /// <summary>PostgreSQL delivers NOTIFY on commit, to CA workers in any process.</summary>
    private static async Task NotifyIfApprovedAsync(CaDbContext db, RaRequestEntity request, CancellationToken cancellationToken)
    {
        if (request.Status == RaRequestStatus.Approved && db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync("NOTIFY " + RaWorker.NotifyChannel, cancellationToken);
        }
    }

    private void Wake(RaRequestEntity request)
    {
        if (request.Status == RaRequestStatus.Approved)
        {
            signal.Signal();
        }
    }

    private static void Require(string? value, string field, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new PkiException(RaErrorCodes.InvalidApplication, $"{field} is required");
        }

        Limit(value, field, max);
    }

    private static void Limit(string? value, string field, int max)
    {
        if (value is not null && value.Length > max)
        {
            throw new PkiException(RaErrorCodes.InvalidApplication, $"{field} is longer than {max} characters");
        }
    }
}
