using System.Collections.Immutable;
using System.Security.Claims;
using OpenIddict.Abstractions;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Audit;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PkiPlatform.Identity;

/// <summary>A consent a staff member asked the provider to remember, as their own page lists it.</summary>
public sealed record RememberedConsent(string Id, string ClientId, string DisplayName, IReadOnlyList<string> Scopes, DateTimeOffset Since);

/// <summary>
/// Remembered consent for third-party relying parties (issue 12): when a staff member allows an application and ticks
/// "remember", a permanent OpenIddict authorization records the person (<c>sub</c>), the application and the scopes
/// allowed. A later sign-in to the same application asking for no more than those scopes skips the page, for
/// <see cref="Lifetime"/> at most; asking for a scope not allowed, <c>prompt=consent</c>, or withdrawal (the staff
/// member's own page) asks again. Remembering and withdrawing are audit events. The remembered authorization carries
/// no tokens: each sign-in still has its own session and ad-hoc authorization, ended by revocation as before.
/// </summary>
public sealed class RememberedConsents(IOpenIddictAuthorizationManager authorizations, IOpenIddictApplicationManager applications, CertificateAuthority ca, TimeSpan lifetime)
{
    public TimeSpan Lifetime { get; } = lifetime;

    /// <summary>Whether the staff member allowed this application these scopes (all of them), within the lifetime.</summary>
    public async Task<bool> CoversAsync(string subject, string applicationId, ImmutableArray<string> scopes, CancellationToken cancellationToken = default)
    {
        var oldest = ca.Clock.GetUtcNow() - Lifetime;
        await foreach (var authorization in authorizations.FindAsync(subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes, cancellationToken))
        {
            if (await authorizations.GetCreationDateAsync(authorization, cancellationToken) is { } created && created >= oldest)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Records the staff member's "allow, and remember" (replacing what they allowed this application before).</summary>
    public async Task RememberAsync(string subject, string applicationId, string clientId, ImmutableArray<string> scopes, CancellationToken cancellationToken = default)
    {
        await RevokeAsync(subject, applicationId, cancellationToken);
        var identity = new ClaimsIdentity("consent");
        identity.SetClaim(Claims.Subject, subject);
        await authorizations.CreateAsync(identity, subject, applicationId, AuthorizationTypes.Permanent, scopes, cancellationToken);
        await AuditAsync(subject, "oidc.consent_remembered", clientId, "scopes: " + string.Join(' ', scopes), cancellationToken);
    }

    /// <summary>The applications the staff member allowed and asked to be remembered, newest first.</summary>
    public async Task<IReadOnlyList<RememberedConsent>> ListAsync(string subject, CancellationToken cancellationToken = default)
    {
        var list = new List<RememberedConsent>();
        var oldest = ca.Clock.GetUtcNow() - Lifetime;
        await foreach (var authorization in authorizations.FindAsync(subject, null, Statuses.Valid, AuthorizationTypes.Permanent, null, cancellationToken))
        {
            var created = await authorizations.GetCreationDateAsync(authorization, cancellationToken) ?? DateTimeOffset.MinValue;
            if (created < oldest || await authorizations.GetApplicationIdAsync(authorization, cancellationToken) is not { } applicationId
                || await applications.FindByIdAsync(applicationId, cancellationToken) is not { } application)
            {
                continue;
            }

            list.Add(new RememberedConsent((await authorizations.GetIdAsync(authorization, cancellationToken))!,
                (await applications.GetClientIdAsync(application, cancellationToken))!,
                await applications.GetDisplayNameAsync(application, cancellationToken) ?? "",
                [.. await authorizations.GetScopesAsync(authorization, cancellationToken)], created));
        }

        return [.. list.OrderByDescending(c => c.Since)];
    }

    /// <summary>
    /// Withdraws one remembered consent of this staff member (an id of another person's is not found: the subject is
    /// part of the lookup). Returns the application's client id, or null when there was nothing to withdraw.
    /// </summary>
    public async Task<string?> WithdrawAsync(string subject, string id, CancellationToken cancellationToken = default)
    {
        var authorization = await authorizations.FindByIdAsync(id, cancellationToken);
        if (authorization is null || await authorizations.GetSubjectAsync(authorization, cancellationToken) != subject
            || !await authorizations.HasTypeAsync(authorization, AuthorizationTypes.Permanent, cancellationToken)
            || !await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken))
        {
            return null;
        }

        var applicationId = await authorizations.GetApplicationIdAsync(authorization, cancellationToken);
        var clientId = applicationId is null ? null
            : await applications.FindByIdAsync(applicationId, cancellationToken) is { } application ? await applications.GetClientIdAsync(application, cancellationToken) : null;
        await authorizations.TryRevokeAsync(authorization, cancellationToken);
        await AuditAsync(subject, "oidc.consent_withdrawn", clientId ?? applicationId ?? id, "by the staff member", cancellationToken);
        return clientId ?? "";
    }

    private async Task RevokeAsync(string subject, string applicationId, CancellationToken cancellationToken)
    {
        await foreach (var authorization in authorizations.FindAsync(subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, null, cancellationToken))
        {
            await authorizations.TryRevokeAsync(authorization, cancellationToken);
        }
    }

    private Task AuditAsync(string actor, string action, string target, string details, CancellationToken cancellationToken) =>
        ca.AuditAfterAsync(new AuditRecord(actor, action, target, details), cancellationToken);
}
