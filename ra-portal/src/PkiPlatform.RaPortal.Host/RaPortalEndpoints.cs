using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.RaPortal.Host.Portal;
using PkiPlatform.ServiceDefaults;

namespace PkiPlatform.RaPortal.Host;

/// <summary>
/// <c>AddRaPortal()</c> / <c>MapRaPortal()</c>: the RA's REST API behind client-certificate (mTLS)
/// authentication against the platform's own root, with roles enforced per endpoint and RFC 9457
/// problem details for every refusal. It holds no key: the CA zone (CA host, or pki up) issues what officers approve.
/// </summary>
public static class RaPortalEndpoints
{
    public const string OfficerPolicy = "officer";
    public const string AdminPolicy = "ra-admin";
    public const string ReaderPolicy = "officer-or-auditor";
    public const string AuditorPolicy = "auditor";
    public const string SubmissionLimiter = "submissions";
    private const long MaxBody = 64 * 1024;

    public static IServiceCollection AddRaPortal(this IServiceCollection services, CertificateAuthority ca, X509Certificate2 root, X509Certificate2 issuing)
    {
        // The RA zone holds no key (issue 10): whatever CA it is given, it sees it without keys, so a signing attempt
        // from here fails with keystore.outside_zone. It writes applications and approvals; the CA zone's worker issues.
        var raZone = ca.Keys is ZonedKeyStore zoned && zoned.Zone == KeyZone.Ra ? ca : ca.InZone(KeyZone.Ra);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CaCore.Issuance.InProcessIssuanceSignal>();
        services.TryAddSingleton<CaCore.Issuance.IIssuanceSignal>(sp => sp.GetRequiredService<CaCore.Issuance.InProcessIssuanceSignal>());
        services.AddSingleton(sp => new RegistrationAuthority(raZone, sp.GetRequiredService<CaCore.Issuance.IIssuanceSignal>(), sp.GetRequiredService<TimeProvider>()));
        services.AddOpenApi();
        // The pages live in this assembly, whichever host (pki up, tests) is the entry point.
        services.AddRazorPages().AddApplicationPart(typeof(RaPortalEndpoints).Assembly);
        services.AddHttpContextAccessor();
        // Trust-model item 12: the antiforgery cookie travels over TLS only and is not readable by scripts.
        services.AddAntiforgery(options =>
        {
            options.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.Always;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
        });
        // Chinese text is written as characters, not numeric entities (still HTML-encoded where it matters).
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddScoped<Portal.PortalText>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, PortalAuthorizationResultHandler>();
        services.AddPlatformClientCertificates(raZone, root, issuing, refusalPage: (context, reason) => RefusalPage(context, StatusCodes.Status401Unauthorized, reason));
        services.AddPkiErrorCodes(RaErrorCodes.Catalog);
        services.AddAuthorizationBuilder()
            .AddPolicy(OfficerPolicy, p => p.RequireRole(nameof(RaRole.Officer)))
            .AddPolicy(AdminPolicy, p => p.RequireRole(nameof(RaRole.RaAdmin)))
            .AddPolicy(ReaderPolicy, p => p.RequireRole(nameof(RaRole.Officer), nameof(RaRole.Auditor)))
            .AddPolicy(AuditorPolicy, p => p.RequireRole(nameof(RaRole.Auditor)));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(SubmissionLimiter, context => RateLimitPartition.GetFixedWindowLimiter(
                // Trust-model item 10: per account, or per client address for anonymous callers (one client cannot lock everyone out).
                context.User.Identity?.IsAuthenticated == true ? "id:" + context.User.Identity.Name : "ip:" + context.Connection.RemoteIpAddress,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) }));
        });
        return services;
    }

    /// <param name="app">The application.</param>
    /// <param name="servedElsewhere">
    /// Paths of another component in the same process that does its own authentication (pki up: the identity
    /// provider's, on its own listeners): the portal's headers and client-certificate authentication stay off them.
    /// </param>
    /// <remarks>A process that also listens on plain HTTP serves the RA only on its TLS listener: MapServiceDefaults gates by connection, not Host header.</remarks>
    public static WebApplication MapRaPortal(this WebApplication app, Func<PathString, bool>? servedElsewhere = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Authentication and authorization are composed in the portal's branch below; without these marks WebApplication
        // would also add both at the head of the whole pipeline, validating a client certificate (chain and the CA's
        // records) on every request of every component in the process — the identity provider's token endpoint included.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        ((IApplicationBuilder)app).Properties["__AuthorizationMiddlewareSet"] = true;
        // The protocol endpoints sharing this process (OCSP, CRL, AIA, TSA) answer anyone, in their own protocol:
        // they skip the portal's headers, authentication, authorization and rate limits.
        app.UseWhen(context => !ServiceDefaults.ServiceDefaultsExtensions.IsProtocolPath(context.Request.Path) && servedElsewhere?.Invoke(context.Request.Path) != true, portal =>
        {
            portal.UsePortalSecurityHeaders();
            portal.UseWhen(context => Portal.PortalErrorPage.IsPage(context.Request.Path), pages => pages.UsePortalErrorPages());
            portal.UseAuthentication();
            portal.UseAuthorization();
            portal.UseRateLimiter();
        });
        app.MapRazorPages();
        app.MapGet("/portal.css", () => Results.Text(Portal.PortalStyles.Css, "text/css"));
        app.MapOpenApi();
        var api = app.MapGroup("/api/v1").RequireAuthorization().WithMetadata(new RequestSizeLimitAttribute(MaxBody));
        api.MapPost("/requests/preview", (PreviewBody body, RegistrationAuthority ra) =>
            Results.Ok(ra.Preview(Required(body.Profile, "profile"), Csr(body.Csr))));

        api.MapPost("/requests", async (SubmitRequestBody body, ClaimsPrincipal user, RegistrationAuthority ra, HttpContext context, CancellationToken ct) =>
        {
            var (request, duplicate) = await ra.SubmitOrFindAsync(new RaApplication(Required(body.Profile, "profile"), Csr(body.Csr), body.ApplicantName ?? "", body.StaffId ?? "",
                body.Organization ?? "", body.Unit ?? "", body.Contact ?? "") { Account = body.Account }, Credential(user), ct);
            // A second identical submission (issue 11) is answered with the first: 200 and its location, not 201.
            if (duplicate)
            {
                context.Response.Headers.Location = $"/api/v1/requests/{request.Id}";
                return Results.Ok(await ViewAsync(ra, request, ct));
            }

            return Results.Created($"/api/v1/requests/{request.Id}", await ViewAsync(ra, request, ct));
        }).RequireRateLimiting(SubmissionLimiter);

        api.MapGet("/requests/{id:long}", async (long id, ClaimsPrincipal user, RegistrationAuthority ra, CancellationToken ct) =>
            Results.Ok(await ViewAsync(ra, await VisibleAsync(id, user, ra, ct), ct)));

        api.MapGet("/requests/{id:long}/certificate", async (long id, string? format, ClaimsPrincipal user, RegistrationAuthority ra, CancellationToken ct) =>
        {
            var request = await VisibleAsync(id, user, ra, ct);
            return await DownloadAsync(ra, request is { Kind: RaRequestKind.Issue, Status: RaRequestStatus.Done } ? request.Serial : null, format, $"request {id} has no certificate yet (status {request.Status})", ct);
        });

        // Issue 13: the encryption certificate of a dual pair, and its private key enveloped for the signing certificate
        // (only the applicant's signing key opens it; the KMC keeps the archived copy).
        api.MapGet("/requests/{id:long}/encryption-certificate", async (long id, string? format, ClaimsPrincipal user, RegistrationAuthority ra, CancellationToken ct) =>
        {
            var request = await DualAsync(id, user, ra, ct);
            return await DownloadAsync(ra, request.EncryptionSerial, format, "", ct);
        });

        api.MapGet("/requests/{id:long}/envelope", async (long id, ClaimsPrincipal user, RegistrationAuthority ra, CancellationToken ct) =>
        {
            var request = await DualAsync(id, user, ra, ct);
            var (bytes, type, name) = CertificateDownloads.Envelope(request, request.Envelope!);
            return Results.Bytes(bytes, type, name);
        });

        MapApplications(app);

        api.MapGet("/queue", async (string? status, int? page, RegistrationAuthority ra, CancellationToken ct) =>
        {
            var parsed = Enum.TryParse<RaRequestStatus>(status ?? "Pending", ignoreCase: true, out var s) ? s
                : throw new PkiException(PkiErrorCodes.InvalidArgument, $"status must be one of {string.Join(", ", Enum.GetNames<RaRequestStatus>())}");
            var number = Math.Max(1, page ?? 1);
            var requests = await ra.QueueAsync(parsed, (number - 1) * 50, 50, ct);
            var decisions = await ra.DecisionsAsync(requests.Select(r => r.Id).ToList(), ct);
            return Results.Ok(requests.Select(r => View(r, [.. decisions[r.Id]])));
        }).RequireAuthorization(ReaderPolicy);

        api.MapPost("/requests/{id:long}/approve", async (long id, DecisionBody body, ClaimsPrincipal user, RegistrationAuthority ra, CancellationToken ct) =>
            Results.Ok(await ViewAsync(ra, await ra.ApproveAsync(id, Credential(user), body.Reason ?? "", ct), ct))).RequireAuthorization(OfficerPolicy);

        api.MapPost("/requests/{id:long}/reject", async (long id, DecisionBody body, ClaimsPrincipal user, RegistrationAuthority ra, CancellationToken ct) =>
            Results.Ok(await ViewAsync(ra, await ra.RejectAsync(id, Credential(user), body.Reason ?? "", ct), ct))).RequireAuthorization(OfficerPolicy);

        api.MapPost("/revocations", async (RevocationBody body, ClaimsPrincipal user, RegistrationAuthority ra, CancellationToken ct) =>
        {
            var request = await ra.RequestRevocationAsync(Required(body.Serial, "serial"), RevocationReasons.Parse(body.Reason ?? "unspecified"), Credential(user), ct);
            return Results.Created($"/api/v1/requests/{request.Id}", await ViewAsync(ra, request, ct));
        }).RequireAuthorization(OfficerPolicy);

        api.MapPost("/releases", async (RevocationBody body, ClaimsPrincipal user, RegistrationAuthority ra, CancellationToken ct) =>
        {
            var request = await ra.RequestReleaseAsync(Required(body.Serial, "serial"), Credential(user), ct);
            return Results.Created($"/api/v1/requests/{request.Id}", await ViewAsync(ra, request, ct));
        }).RequireAuthorization(OfficerPolicy);

        api.MapPut("/accounts", async (AccountBody body, ClaimsPrincipal user, RegistrationAuthority ra, CancellationToken ct) =>
        {
            RaRole? role = string.IsNullOrEmpty(body.Role) || body.Role.Equals("none", StringComparison.OrdinalIgnoreCase) ? null
                : Enum.TryParse<RaRole>(body.Role, ignoreCase: true, out var r) && Enum.IsDefined(r) ? r
                : throw new PkiException(PkiErrorCodes.InvalidArgument, $"role must be one of {string.Join(", ", Enum.GetNames<RaRole>())} or none");
            var account = await ra.SetAccountAsync(Required(body.Identity, "identity"), body.DisplayName ?? "", role, body.Active, Credential(user), ct);
            return Results.Ok(new { account.Identity, Kind = account.Kind.ToString(), account.DisplayName, Role = account.Role?.ToString(), account.Active });
        }).RequireAuthorization(AdminPolicy);

        api.MapGet("/audit", async (string? action, string? actor, string? target, long? before, int? take, RegistrationAuthority ra, CancellationToken ct) =>
        {
            await using var db = ra.Ca.Database.CreateContext();
            var verification = await CaCore.Audit.AuditTrail.VerifyAsync(db, ct);
            var query = db.AuditEvents.AsQueryable();
            if (!string.IsNullOrWhiteSpace(action))
            {
                query = query.Where(e => e.Action == action);
            }

            if (!string.IsNullOrWhiteSpace(actor))
            {
                query = query.Where(e => e.Actor.Contains(actor));
            }

            if (!string.IsNullOrWhiteSpace(target))
            {
                query = query.Where(e => e.Target.Contains(target));
            }

            if (before is { } sequence)
            {
                query = query.Where(e => e.Sequence < sequence);
            }

            var events = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                query.OrderByDescending(e => e.Sequence).Take(Math.Clamp(take ?? 50, 1, 500))
                    .Select(e => new { e.Sequence, e.Timestamp, e.Actor, e.Action, e.Target, e.Details }), ct);
            return Results.Ok(new { chain = new { verification.IsIntact, verification.VerifiedEvents, verification.Message }, events });
        }).RequireAuthorization(AuditorPolicy);

        return app;
    }

    /// <summary>
    /// The applicant's side of the API (issue 13, <c>pki enroll</c>), what the Apply and Track pages do for browsers: a public
    /// profile may be applied for without a certificate, and the unguessable 128-bit tracking code returned is the only key
    /// to the application afterwards (as the Track page's link). A certificate the caller presents is recorded as the
    /// submitter, as on the Apply page; nobody's typed staff ID ever is. JSON only, so a cross-site form cannot post here.
    /// </summary>
    private static void MapApplications(WebApplication app)
    {
        var applications = app.MapGroup("/api/v1/applications").AllowAnonymous().WithMetadata(new RequestSizeLimitAttribute(MaxBody));
        applications.MapPost("", async (SubmitRequestBody body, ClaimsPrincipal user, RegistrationAuthority ra, HttpContext context, CancellationToken ct) =>
        {
            if (body.Account is not null)
            {
                throw new PkiException(RaErrorCodes.InvalidApplication, "account may not be set on a public application (business systems submit to /api/v1/requests with their certificate)");
            }

            var (request, duplicate) = await ra.SubmitOrFindAsync(new RaApplication(Required(body.Profile, "profile"), Csr(body.Csr), body.ApplicantName ?? "", body.StaffId ?? "",
                body.Organization ?? "", body.Unit ?? "", body.Contact ?? ""), PlatformPrincipal.From(user), ct);
            var view = await ApplicationViewAsync(ra, request, ct);
            if (duplicate)
            {
                context.Response.Headers.Location = $"/api/v1/applications/{request.TrackingCode}";
                return Results.Ok(view);
            }

            return Results.Created($"/api/v1/applications/{request.TrackingCode}", view);
        }).RequireRateLimiting(SubmissionLimiter);

        applications.MapGet("/{code}", async (string code, RegistrationAuthority ra, CancellationToken ct) =>
            Results.Ok(await ApplicationViewAsync(ra, await TrackedAsync(code, ra, ct), ct)));
        applications.MapGet("/{code}/certificate", async (string code, string? format, RegistrationAuthority ra, CancellationToken ct) =>
        {
            var request = await TrackedAsync(code, ra, ct);
            return await DownloadAsync(ra, request.Status == RaRequestStatus.Done ? request.Serial : null, format, $"application {request.Id} has no certificate yet (status {request.Status})", ct);
        });
        applications.MapGet("/{code}/encryption-certificate", async (string code, string? format, RegistrationAuthority ra, CancellationToken ct) =>
        {
            var request = await TrackedAsync(code, ra, ct);
            return await DownloadAsync(ra, request.Status == RaRequestStatus.Done ? request.EncryptionSerial : null, format,
                $"application {request.Id} has no encryption certificate (status {request.Status}; only dual-certificate profiles have one)", ct);
        });
        applications.MapGet("/{code}/envelope", async (string code, RegistrationAuthority ra, CancellationToken ct) =>
        {
            var request = await TrackedAsync(code, ra, ct);
            if (request is not { Status: RaRequestStatus.Done, Envelope: { } envelope })
            {
                throw new PkiException(RaErrorCodes.NotPending, $"application {request.Id} has no envelope (status {request.Status}; only dual-certificate profiles have one)");
            }

            var (bytes, type, name) = CertificateDownloads.Envelope(request, envelope);
            return Results.Bytes(bytes, type, name);
        });
    }

    private static async Task<RaRequestEntity> TrackedAsync(string code, RegistrationAuthority ra, CancellationToken ct) =>
        await ra.FindByTrackingCodeAsync(code, ct) is { Kind: RaRequestKind.Issue } request ? request
            : throw new PkiException(RaErrorCodes.UnknownRequest, "no application has this tracking code (it is the 32 hex digits returned when the application was submitted)");

    private static async Task<IResult> DownloadAsync(RegistrationAuthority ra, string? serial, string? format, string notYet, CancellationToken ct)
    {
        if (serial is null)
        {
            throw new PkiException(RaErrorCodes.NotPending, notYet);
        }

        var (bytes, type, name) = await CertificateDownloads.GetAsync(ra.Ca, serial, format, ct);
        return type == "application/x-pem-file" ? Results.Text(System.Text.Encoding.ASCII.GetString(bytes), type) : Results.Bytes(bytes, type, name);
    }

    /// <summary>What an applicant sees of the application: no officer names (the Track page shows no more).</summary>
    private static async Task<ApplicationView> ApplicationViewAsync(RegistrationAuthority ra, RaRequestEntity r, CancellationToken ct) =>
        new(r.TrackingCode, r.Id, r.Status.ToString(), r.Profile, r.SubjectDn, r.RequiredApprovals, (await ra.DecisionsAsync(r.Id, ct)).Count(d => d.Approved), r.Serial, r.EncryptionSerial, r.EnvelopeFormat, r.Outcome, Utc(r.SubmittedAt), r.CompletedAt is { } done ? Utc(done) : null);

    private static PlatformCredential Credential(ClaimsPrincipal user) =>
        PlatformPrincipal.From(user) ?? throw new PkiException(RaErrorCodes.Forbidden, "a client certificate issued by this platform is required");

    private static async Task<RaRequestEntity> VisibleAsync(long id, ClaimsPrincipal user, RegistrationAuthority ra, CancellationToken ct)
    {
        var request = await ra.GetAsync(id, ct);
        if (request.SubmittedBy != Credential(user).Identity && !user.IsInRole(nameof(RaRole.Officer)) && !user.IsInRole(nameof(RaRole.Auditor)))
        {
            // Not yours and not an officer: indistinguishable from a request that does not exist.
            throw new PkiException(RaErrorCodes.UnknownRequest, $"no request {id}");
        }

        return request;
    }

    private static async Task<RequestView> ViewAsync(RegistrationAuthority ra, RaRequestEntity r, CancellationToken cancellationToken) =>
        View(r, await ra.DecisionsAsync(r.Id, cancellationToken));

    private static async Task<RaRequestEntity> DualAsync(long id, ClaimsPrincipal user, RegistrationAuthority ra, CancellationToken ct)
    {
        var request = await VisibleAsync(id, user, ra, ct);
        if (request.Kind != RaRequestKind.Issue || request.Status != RaRequestStatus.Done || request.EncryptionSerial is null || request.Envelope is null)
        {
            throw new PkiException(RaErrorCodes.NotPending, $"request {id} has no encryption certificate (status {request.Status}; only dual-certificate profiles have one)");
        }

        return request;
    }

    private static RequestView View(RaRequestEntity r, IReadOnlyList<RaDecision> decisions) =>
        new(r.Id, r.Kind.ToString(), r.Status.ToString(), r.Profile, r.SubjectDn, r.RequiredApprovals, r.Serial, r.Outcome, Utc(r.SubmittedAt), r.CompletedAt is { } done ? Utc(done) : null,
            decisions.Count(d => d.Approved), decisions.Select(d => new DecisionView(d.Officer, d.DisplayName, d.Approved, d.Reason, Utc(d.At))).ToList(), r.EncryptionSerial, r.EnvelopeFormat);

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    private static string Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new PkiException(RaErrorCodes.InvalidApplication, $"{field} is required") : value;

    private static byte[] Csr(string? pem) => System.Text.Encoding.ASCII.GetBytes(Required(pem, "csr"));

    /// <summary>A refusal page for browsers in the portal's language (the API gets problem details).</summary>
    internal static Task RefusalPage(HttpContext context, int status, string reason) => Portal.PortalErrorPage.WriteAsync(context, status, reason);
}
