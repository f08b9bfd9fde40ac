using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Issuance.Checks;
using PkiPlatform.CaCore.Profiles;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.RaPortal;

/// <summary>
/// The RA: takes applications (checked against the profile at once), collects officer decisions under
/// dual control (distinct officers, never one's own request, once each), and hands approved work to the
/// CA worker through the database. Roles are checked here, on the server, for every action.
/// </summary>
public sealed class RegistrationAuthority(CertificateAuthority ca, IIssuanceSignal signal, TimeProvider clock)
{
    /// <summary>The CA as the RA zone sees it (records, profiles, accounts; no key): what the portal's pages read.</summary>
    public CertificateAuthority Ca => ca;

    /// <summary>The submitter of an application made without a client certificate.</summary>
    public const string Anonymous = "anonymous";

    public CsrPreview Preview(string profileName, byte[] csr)
    {
        var profile = ca.Profiles.Get(profileName);
        var request = CertificateRequest.Parse(csr);
        var sans = request.SubjectAltNames?.GetNames()
            .Select(n => $"{SubjectAltNameCheck.TypeName(n.TagNo) ?? n.TagNo.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{SubjectAltNameCheck.Value(n)}").ToList() ?? [];
        return new CsrPreview(request.Subject.ToString(), request.KeyDescription, sans, ca.Issuer.Preparer.Evaluate(request, profile));
    }

    /// <summary>
    /// Takes an application. <paramref name="submitter"/> is the authenticated client certificate, or null for the
    /// anonymous Apply page; the request records that, never a value the applicant typed (trust-model item 1).
    /// </summary>
    public async Task<RaRequestEntity> SubmitAsync(RaApplication application, PlatformCredential? submitter, CancellationToken cancellationToken = default) =>
        (await SubmitOrFindAsync(application, submitter, cancellationToken)).Request;

    /// <summary>
    /// Issue 11: a second identical submission (same CSR, same profile, still pending, same submitter — the same account,
    /// or anonymous again) is recognised and answered with the first application instead of a duplicate. Another
    /// submitter never learns the first one's tracking code.
    /// </summary>
    public async Task<(RaRequestEntity Request, bool Duplicate)> SubmitOrFindAsync(RaApplication application, PlatformCredential? submitter, CancellationToken cancellationToken = default)
    {
        Require(application.ApplicantName, "applicantName", 64);
        Require(application.ApplicantStaffId, "staffId", 32);
        Require(application.Organization, "organization", 64);
        Limit(application.Unit, "unit", 64);
        Limit(application.Contact, "contact", 128);
        var preview = Preview(application.Profile, application.Csr);
        if (!preview.Acceptable)
        {
            throw new PkiException(CaErrorCodes.ProfileViolation, string.Join("; ", preview.Checks.Where(c => !c.Passed).Select(c => c.Message)));
        }

        var profile = ca.Profiles.Get(application.Profile);
        if (profile.KmcKeysOnly)
        {
            // Issue 13: the encryption half of a dual pair is for keys the KMC generates; an applicant's own key never gets it.
            var dual = ca.Profiles.All.Where(p => p.EncryptionProfile == profile.Name).Select(p => p.Name).Order(StringComparer.Ordinal);
            throw new PkiException(CaErrorCodes.DualProfile,
                $"profile {profile.Name} is the encryption certificate of a dual pair, whose key the key management centre generates; apply for {string.Join(" or ", dual)} with your signing key's request instead");
        }

        var csr = CertificateRequest.Parse(application.Csr);
        var account = await TargetAccountAsync(profile, application, submitter, cancellationToken);
        if (await ca.Accounts.SubjectConflictAsync(csr.Subject, account, cancellationToken) is { } conflict)
        {
            throw new PkiException(CaErrorCodes.SubjectReserved, conflict);
        }

        var der = csr.Csr!.GetEncoded(); // parsed from the application, so never a KMC key
        var submittedBy = submitter?.Identity ?? Anonymous;
        await using (var lookup = ca.Database.CreateContext())
        {
            var earlier = await lookup.RaRequests.AsNoTracking()
                .Where(r => r.Kind == RaRequestKind.Issue && r.Status == RaRequestStatus.Pending && r.Profile == profile.Name && r.SubmittedBy == submittedBy && r.CsrDer == der)
                .OrderBy(r => r.Id).FirstOrDefaultAsync(cancellationToken);
            if (earlier is not null)
            {
                return (earlier, true);
            }
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var entity = new RaRequestEntity
        {
            Kind = RaRequestKind.Issue,
            Status = RaRequestStatus.Pending,
            Profile = profile.Name,
            CsrDer = der,
            SubjectDn = preview.Subject,
            SubjectKey = SubjectKey.Of(csr.Subject),
            ApplicantName = application.ApplicantName.Trim(),
            ApplicantStaffId = application.ApplicantStaffId.Trim(),
            Organization = application.Organization.Trim(),
            Unit = application.Unit.Trim(),
            Contact = application.Contact.Trim(),
            SubmittedBy = submittedBy,
            SubmittedWith = submitter?.Certificate,
            Account = account,
            RequiredApprovals = profile.Approvals,
            TrackingCode = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            SubmittedAt = now,
        };
        await using var db = ca.Database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.RaRequests.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        await ca.Audit.AppendAsync(db, [new AuditRecord(submitter?.AuditActor ?? Anonymous, "ra.request_submitted", $"request/{entity.Id}",
            $"profile={entity.Profile}; subject={entity.SubjectDn}; account={account}; approvals={entity.RequiredApprovals}")], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (entity, false);
    }

    /// <summary>
    /// Trust-model item 4, the profile's audience: public profiles go to a person account named by the staff ID (a new
    /// one, or the submitter's own when renewing); system profiles to a registered business system, asked for by that
    /// system or an RA admin; platform profiles never through the RA.
    /// </summary>
    private async Task<string> TargetAccountAsync(CertificateProfile profile, RaApplication application, PlatformCredential? submitter, CancellationToken cancellationToken)
    {
        switch (profile.Audience)
        {
            case ProfileAudience.Public:
            {
                var account = AccountIdentity.Staff(application.ApplicantStaffId);
                // An account registered ahead of its first certificate (an RA admin enrolling an officer) takes this application
                // as its enrolment, under the profile's dual control; one that holds certificates renews only with its own.
                if (await ca.Accounts.FindAsync(account, cancellationToken) is not null && submitter?.Account?.Identity != account
                    && await ca.Accounts.HasCertificatesAsync(account, cancellationToken))
                {
                    throw new PkiException(CaErrorCodes.AccountExists,
                        $"staff ID {application.ApplicantStaffId.Trim()} already has an account: renew by applying while logged in with that account's certificate, or ask an RA admin");
                }

                return account;
            }

            case ProfileAudience.System:
            {
                if (submitter is null)
                {
                    throw new PkiException(RaErrorCodes.Forbidden, $"profile '{profile.Name}' is for registered business systems: apply through the API with the system's certificate (or an RA admin's)");
                }

                var account = application.Account is { Length: > 0 } named ? AccountIdentity.Parse(named.Trim())
                    : submitter.Account is { Kind: AccountKind.System } own ? own.Identity
                    : throw new PkiException(RaErrorCodes.InvalidApplication, $"profile '{profile.Name}' needs the business-system account (account: system:NAME) the certificate is for");
                var target = await ca.Accounts.FindAsync(account, cancellationToken);
                if (target is not { Kind: AccountKind.System })
                {
                    throw new PkiException(CaErrorCodes.UnknownAccount, $"{account} is not a registered business system; an RA admin registers it first");
                }

                var admin = submitter.Account is { } a && (await ca.Accounts.FindAsync(a.Identity, cancellationToken))?.Role == RaRole.RaAdmin;
                if (submitter.Account?.Identity != account && !admin)
                {
                    throw new PkiException(RaErrorCodes.Forbidden, $"only {account} itself (with its own certificate) or an RA admin may apply for its certificates");
                }

                return account;
            }

            default:
                throw new PkiException(CaErrorCodes.ProfileAudience,
                    $"profile '{profile.Name}' is issued only by the CA for the platform's own keys (OCSP responder, TSA, platform TLS, service keys); it cannot be requested through the RA");
        }
    }

    /// <summary>Whether a certificate is one of the platform's own: a platform profile, a platform account's, or a service key's.</summary>
    public async Task<bool> IsPlatformCertificateAsync(CertificateEntity certificate, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        var holder = await db.AccountCertificates.AsNoTracking().Where(b => b.CertificateId == certificate.Id)
            .Join(db.RaAccounts.AsNoTracking(), b => b.AccountId, a => a.Id, (b, a) => a.Identity).FirstOrDefaultAsync(cancellationToken);
        return await IsPlatformCertificateAsync(db, certificate, holder, cancellationToken);
    }

    private async Task<bool> IsPlatformCertificateAsync(CaDbContext db, CertificateEntity certificate, string? holder, CancellationToken cancellationToken) =>
        ca.Profiles.All.FirstOrDefault(p => p.Name == certificate.Profile)?.Audience is not ProfileAudience.Public and not ProfileAudience.System
        || (holder is not null && AccountIdentity.KindOf(holder) == AccountKind.Platform)
        || await db.ServiceKeys.AsNoTracking().AnyAsync(k => k.Serial == certificate.Serial, cancellationToken);

    /// <summary>An officer asks to revoke (or hold, with certificateHold); the certificate's profile says how many further officers must approve.</summary>
    public Task<RaRequestEntity> RequestRevocationAsync(string serial, RevocationReason reason, PlatformCredential officer, CancellationToken cancellationToken = default) =>
        RequestStatusChangeAsync(serial, RaRequestKind.Revoke, reason, officer, cancellationToken);

    /// <summary>An officer asks to release a held certificate, under the same dual control as revocation.</summary>
    public Task<RaRequestEntity> RequestReleaseAsync(string serial, PlatformCredential officer, CancellationToken cancellationToken = default) =>
        RequestStatusChangeAsync(serial, RaRequestKind.Release, RevocationReason.RemoveFromCrl, officer, cancellationToken);

    private async Task<RaRequestEntity> RequestStatusChangeAsync(string serial, RaRequestKind kind, RevocationReason reason, PlatformCredential officer, CancellationToken cancellationToken)
    {
        var own = await RequireRoleAsync(officer, RaRole.Officer, cancellationToken);
        var canonical = SerialNumbers.Normalize(serial);
        await using var db = ca.Database.CreateContext();
        var certificate = await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Serial == canonical && c.Status != CertificateStatus.Intent, cancellationToken)
            ?? throw new PkiException(CaErrorCodes.UnknownSerial, $"no certificate with serial {canonical}");
        var holder = await db.AccountCertificates.AsNoTracking().Where(b => b.CertificateId == certificate.Id)
            .Join(db.RaAccounts.AsNoTracking(), b => b.AccountId, a => a.Id, (b, a) => a.Identity).FirstOrDefaultAsync(cancellationToken);
        if (holder == own.Identity)
        {
            throw new PkiException(RaErrorCodes.OwnRequest, $"certificate {canonical} belongs to your own account; another officer must act on it");
        }

        // Issue 11: the platform's own certificates (OCSP responder, TSA, RA TLS, service keys) are not an officer's to revoke.
        if (await IsPlatformCertificateAsync(db, certificate, holder, cancellationToken))
        {
            throw new PkiException(RaErrorCodes.PlatformCertificate,
                $"certificate {canonical} ({certificate.Profile}) belongs to the platform itself; an operator revokes it with pki revoke {canonical} --reason R");
        }
        var approvals = ca.Profiles.All.FirstOrDefault(p => p.Name == certificate.Profile)?.RevocationApprovals ?? 1;
        var now = clock.GetUtcNow().UtcDateTime;
        var entity = new RaRequestEntity
        {
            Kind = kind,
            Status = approvals == 0 ? RaRequestStatus.Approved : RaRequestStatus.Pending,
            Profile = certificate.Profile,
            SubjectDn = certificate.SubjectDn,
            SubjectKey = SubjectKey.Of(certificate.SubjectDn),
            Account = holder,
            Serial = canonical,
            RevocationReason = (int)reason,
            SubmittedBy = own.Identity,
            SubmittedWith = officer.Certificate,
            RequiredApprovals = approvals,
            SubmittedAt = now,
            DecidedAt = approvals == 0 ? now : null,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.RaRequests.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        await ca.Audit.AppendAsync(db, [new AuditRecord(officer.AuditActor, kind == RaRequestKind.Release ? "ra.release_requested" : "ra.revocation_requested", $"request/{entity.Id}",
            $"serial={canonical}; reason={reason.ToName()}; approvals={approvals}")], cancellationToken);
        await NotifyIfApprovedAsync(db, entity, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Wake(entity);
        return entity;
    }

    public Task<RaRequestEntity> ApproveAsync(long requestId, PlatformCredential officer, string reason, CancellationToken cancellationToken = default) =>
        DecideAsync(requestId, officer, approve: true, reason, cancellationToken);

    public Task<RaRequestEntity> RejectAsync(long requestId, PlatformCredential officer, string reason, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new PkiException(RaErrorCodes.InvalidApplication, "a rejection needs a reason the applicant can act on");
        }

        return DecideAsync(requestId, officer, approve: false, reason, cancellationToken);
    }

    /// <summary>
    /// An RA admin registers a business system (system:NAME, no role) or sets a staff account's role and state. Staff
    /// accounts come into being when the CA issues their first certificate; an admin cannot change their own account.
    /// </summary>
    public async Task<RaAccountEntity> SetAccountAsync(string identity, string displayName, RaRole? role, bool active, PlatformCredential admin, CancellationToken cancellationToken = default)
    {
        var actor = await RequireRoleAsync(admin, RaRole.RaAdmin, cancellationToken);
        Require(identity, "identity", 128);
        identity = AccountIdentity.Parse(identity.Trim());
        if (identity == actor.Identity)
        {
            throw new PkiException(RaErrorCodes.Forbidden, "you cannot change your own account; another RA admin must");
        }

        if (AccountIdentity.KindOf(identity) == AccountKind.System && await ca.Accounts.FindAsync(identity, cancellationToken) is null)
        {
            if (role is not null)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, "business systems hold no RA role");
            }

            await ca.Accounts.RegisterAsync(identity, displayName, admin.AuditActor, cancellationToken: cancellationToken);
        }
        else if (AccountIdentity.KindOf(identity) == AccountKind.Person && await ca.Accounts.FindAsync(identity, cancellationToken) is null)
        {
            // Issue 11: an RA admin enrols a person ahead of the first certificate (no subject reserved: the RA never
            // reserves names); the person's first staff application then becomes the account's enrolment, under dual control.
            await ca.Accounts.RegisterAsync(identity, displayName.Length > 0 ? displayName : identity, admin.AuditActor, cancellationToken: cancellationToken);
        }

        return await ca.Accounts.SetRoleAsync(identity, role, active, displayName, admin.AuditActor, cancellationToken);
    }

    public async Task<RaRequestEntity> GetAsync(long requestId, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        return await db.RaRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken)
            ?? throw new PkiException(RaErrorCodes.UnknownRequest, $"no request {requestId}");
    }

    /// <summary>The decisions on a request so far, oldest first, with the deciding officer's display name (issue 11: "approved 1/2").</summary>
    public async Task<IReadOnlyList<RaDecision>> DecisionsAsync(long requestId, CancellationToken cancellationToken = default) =>
        [.. (await DecisionsAsync([requestId], cancellationToken))[requestId]];

    /// <summary>The decisions on several requests (one query), by request.</summary>
    public async Task<ILookup<long, RaDecision>> DecisionsAsync(IReadOnlyCollection<long> requestIds, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        var decisions = await db.RaDecisions.AsNoTracking().Where(d => requestIds.Contains(d.RequestId)).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        var officers = decisions.Select(d => d.Officer).Distinct().ToList();
        var names = await db.RaAccounts.AsNoTracking().Where(a => officers.Contains(a.Identity)).ToDictionaryAsync(a => a.Identity, a => a.DisplayName, cancellationToken);
        return decisions.ToLookup(d => d.RequestId, d => new RaDecision(d.Officer, names.GetValueOrDefault(d.Officer, d.Officer), d.Approved, d.Reason, d.At));
    }

    /// <summary>Approvals so far per request, for a queue page.</summary>
    public async Task<IReadOnlyDictionary<long, int>> ApprovalCountsAsync(IReadOnlyCollection<long> requestIds, CancellationToken cancellationToken = default)
    {
        await using var db = ca.Database.CreateContext();
        return await db.RaDecisions.AsNoTracking().Where(d => requestIds.Contains(d.RequestId) && d.Approved)
            .GroupBy(d => d.RequestId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
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

    /// <summary>The caller's account as the database holds it now, if it has <paramref name="role"/>; else refused.</summary>
    public async Task<BoundAccount> RequireRoleAsync(PlatformCredential caller, RaRole role, CancellationToken cancellationToken)
    {
        var account = caller.Account is null ? null : await ca.Accounts.FindAsync(caller.Account.Identity, cancellationToken);
        if (account is not { Role: { } held } || held != role)
        {
            var who = account?.Identity ?? $"certificate {caller.Certificate} (bound to no account)";
            throw new PkiException(RaErrorCodes.Forbidden, $"{who} does not hold the {role} role" + (account?.Role is { } other ? $" (holds {other})" : ""));
        }

        return account;
    }

    private async Task<RaRequestEntity> DecideAsync(long requestId, PlatformCredential credential, bool approve, string reason, CancellationToken cancellationToken)
    {
        var officer = await RequireRoleAsync(credential, RaRole.Officer, cancellationToken);
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

        if (OwnRequest(request, officer) is { } why)
        {
            throw new PkiException(RaErrorCodes.OwnRequest, $"request {requestId} {why}; another officer must decide it");
        }

        // Decisions are keyed by the officer's account: two certificates of one person count once.
        if (await db.RaDecisions.AnyAsync(d => d.RequestId == requestId && d.Officer == officer.Identity, cancellationToken))
        {
            throw new PkiException(RaErrorCodes.AlreadyDecided, $"you already decided request {requestId}; dual control needs a different officer");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.RaDecisions.Add(new RaDecisionEntity { RequestId = requestId, Officer = officer.Identity, Approved = approve, Reason = reason, At = now });
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
        await ca.Audit.AppendAsync(db, [new AuditRecord(credential.AuditActor, approve ? "ra.request_approved" : "ra.request_rejected", $"request/{requestId}",
            $"approvals={approvals}/{request.RequiredApprovals}; status={request.Status}" + (reason.Length > 0 ? $"; reason={reason}" : ""))], cancellationToken);
        await NotifyIfApprovedAsync(db, request, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Wake(request);
        return request;
    }

    /// <summary>
    /// Trust-model item 1: an officer never decides a request that is theirs, whoever submitted it — submitted by
    /// their account, for their account, naming their staff ID, or for a subject equivalent to their own.
    /// </summary>
    private static string? OwnRequest(RaRequestEntity request, BoundAccount officer)
    {
        if (request.SubmittedBy == officer.Identity)
        {
            return "was submitted by you";
        }

        if (request.Account == officer.Identity)
        {
            return "is for your own account";
        }

        if (officer.StaffId is { } staffId && string.Equals(request.ApplicantStaffId.Trim(), staffId, StringComparison.OrdinalIgnoreCase))
        {
            return $"names your staff ID {staffId}";
        }

        return officer.SubjectKey is not null && request.SubjectKey == officer.SubjectKey ? "is for a subject equivalent to your own" : null;
    }

    /// <summary>PostgreSQL delivers NOTIFY on commit, to CA workers in any process.</summary>
    private static async Task NotifyIfApprovedAsync(CaDbContext db, RaRequestEntity request, CancellationToken cancellationToken)
    {
        if (request.Status == RaRequestStatus.Approved && db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync("NOTIFY " + IssuanceWorker.NotifyChannel, cancellationToken);
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
