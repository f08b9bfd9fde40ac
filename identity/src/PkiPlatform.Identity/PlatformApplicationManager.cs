using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace PkiPlatform.Identity;

/// <summary>
/// The platform's OpenIddict application manager. (1) <c>tls_client_auth</c> is decided by
/// <see cref="SystemClientAuthenticator"/>: the certificate must be bound to the client's registered business-system
/// account; OpenIddict's default (any certificate of the trusted CAs whose DNS name matches a redirect URI's host) is
/// replaced, because a name that merely matches decides nothing here. (2) OpenIddict stores client secrets as PBKDF2 hashes, so every client_secret_basic request (token, introspection) costs a
/// key derivation of ~10 ms: that, not signing, capped client credentials near 60 tokens/s on two cores. This manager
/// remembers, for a bounded set and a short time, that a presented secret matched a stored hash: the key is the stored
/// hash and SHA-256 of the presented secret, so a changed secret misses at once; nothing secret is kept in clear.
/// </summary>
public sealed partial class PlatformApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    SystemClientAuthenticator? systems = null,
    TimeProvider? clock = null)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    private const int MaxEntries = 10_000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly ConcurrentDictionary<string, DateTime> Matches = new(StringComparer.Ordinal);

    /// <summary>
    /// Every token, introspection and revocation request looks its client up (OpenIddict's own cache lives only as long as
    /// the request's scope): a bounded process-wide cache keeps a found client for a few seconds, so a change or a
    /// disabled client takes effect within <see cref="ClientLifetime"/>. Misses (unknown clients) are not cached.
    /// </summary>
    public static readonly TimeSpan ClientLifetime = TimeSpan.FromSeconds(5);

    private static readonly ConcurrentDictionary<string, (OpenIddictEntityFrameworkCoreApplication Application, DateTime Until)> Clients = new(StringComparer.Ordinal);

    public override async ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        await CachedAsync("client:" + identifier, () => base.FindByClientIdAsync(identifier, cancellationToken));

    public override async ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        await CachedAsync("id:" + identifier, () => base.FindByIdAsync(identifier, cancellationToken));

    public override async ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken = default)
    {
        Clients.Clear();
        await base.UpdateAsync(application, cancellationToken);
    }

    private async ValueTask<OpenIddictEntityFrameworkCoreApplication?> CachedAsync(string key, Func<ValueTask<OpenIddictEntityFrameworkCoreApplication?>> find)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        if (Clients.TryGetValue(key, out var entry) && entry.Until > now)
        {
            return entry.Application;
        }

        var application = await find();
        if (application is not null)
        {
            if (Clients.Count >= MaxEntries)
            {
                Clients.Clear();
            }

            Clients[key] = (application, now + ClientLifetime);
        }

        return application;
    }

    /// <summary>Only clients registered for <c>tls_client_auth</c> with an account may authenticate by certificate.</summary>
    public override async ValueTask<System.Security.Cryptography.X509Certificates.X509ChainPolicy?> GetPublicKeyInfrastructureTlsClientAuthenticationPolicyAsync(
        OpenIddictEntityFrameworkCoreApplication application, System.Security.Cryptography.X509Certificates.X509ChainPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return await CertificateAccountAsync(application, cancellationToken) is null ? null : policy.Clone();
    }

    public override async ValueTask<bool> ValidatePublicKeyInfrastructureTlsClientCertificateAsync(OpenIddictEntityFrameworkCoreApplication application,
        System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, System.Security.Cryptography.X509Certificates.X509ChainPolicy policy, CancellationToken cancellationToken = default)
    {
        if (systems is null || await CertificateAccountAsync(application, cancellationToken) is not { } account)
        {
            return false;
        }

        var refusal = await systems.RefusalAsync(account, certificate, cancellationToken);
        if (refusal is not null)
        {
            CertificateRefused(Logger, await GetClientIdAsync(application, cancellationToken), refusal);
        }

        return refusal is null;
    }

    /// <summary>
    /// A <c>tls_client_auth</c> client authenticates by its account's certificates and has neither secret nor JWKS:
    /// OpenIddict's rule that a confidential client holds one of them (ID2113) does not apply to it; every other rule does.
    /// </summary>
    public override async IAsyncEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> ValidateAsync(OpenIddictEntityFrameworkCoreApplication application,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var certificateClient = await CertificateAccountAsync(application, cancellationToken) is not null;
        var noSecret = OpenIddictResources.GetResourceString("ID2113");
        await foreach (var result in base.ValidateAsync(application, cancellationToken))
        {
            if (!(certificateClient && result.ErrorMessage == noSecret))
            {
                yield return result;
            }
        }
    }

    /// <summary>The system account of a <c>tls_client_auth</c> client, or null for any other client.</summary>
    private async ValueTask<string?> CertificateAccountAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken)
    {
        var properties = await GetPropertiesAsync(application, cancellationToken);
        return properties.TryGetValue(RelyingPartyProperties.AuthenticationMethod, out var method) && method.GetString() == RelyingPartyProperties.TlsClientAuth
            && properties.TryGetValue(RelyingPartyProperties.Account, out var account) && account.GetString() is { Length: > 0 } identity ? identity : null;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Client {ClientId}: certificate refused: {Reason}")]
    private static partial void CertificateRefused(ILogger logger, string? clientId, string reason);

    protected override async ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        var key = comparand + "|" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        var now = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        if (Matches.TryGetValue(key, out var until) && until > now)
        {
            return true;
        }

        if (!await base.ValidateClientSecretAsync(secret, comparand, cancellationToken))
        {
            return false;
        }

        if (Matches.Count >= MaxEntries)
        {
            Matches.Clear();
        }

        Matches[key] = now + Lifetime;
        return true;
    }
}
