using System.Security.Cryptography.X509Certificates;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.Identity;

/// <summary>
/// <c>tls_client_auth</c> (RFC 8705 §2.1) decided by the CA's records, not by names: the certificate presented on the
/// mTLS listener must be this exact certificate issued here, valid now, not revoked or on hold, with EKU clientAuth,
/// and explicitly bound to the business-system account the client was registered with. OpenIddict's own check (the
/// certificate's DNS name matching a redirect URI's host) is never used. A successful decision is remembered for
/// <see cref="AcceptedLifetime"/> per (account, certificate), in a bounded cache: a revocation or a disabled account
/// stops token issuance to that certificate at most that much later (refusals are never cached).
/// </summary>
public sealed class SystemClientAuthenticator(CertificateAuthority ca)
{
    public static readonly TimeSpan AcceptedLifetime = TimeSpan.FromSeconds(5);
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const int MaxEntries = 10_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTime> _accepted = new(StringComparer.Ordinal);

    /// <summary>Null when the certificate authenticates the client bound to <paramref name="account"/>; otherwise why not.</summary>
    public async Task<string?> RefusalAsync(string account, X509Certificate2 certificate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var key = account + "|" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.RawData));
        var now = ca.Clock.GetUtcNow().UtcDateTime;
        if (_accepted.TryGetValue(key, out var until) && until > now)
        {
            return null;
        }

        var refusal = await DecideAsync(account, certificate, cancellationToken);
        if (refusal is null)
        {
            if (_accepted.Count >= MaxEntries)
            {
                _accepted.Clear();
            }

            _accepted[key] = now + AcceptedLifetime;
        }

        return refusal;
    }

    private async Task<string?> DecideAsync(string account, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        var (credential, refusal) = await ca.Accounts.AuthenticateAsync(certificate.RawData, cancellationToken);
        if (credential is null)
        {
            return refusal;
        }

        if (credential.Account is not { Kind: AccountKind.System } bound || !string.Equals(bound.Identity, account, StringComparison.Ordinal))
        {
            return $"the certificate {credential.Certificate} is bound to {credential.Account?.Identity ?? "no account"}, not to {account}, the account this client is registered for";
        }

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()).Select(o => o.Value).ToList();
        return usages.Contains(ClientAuth) ? null : $"the certificate {credential.Certificate} has no extended key usage clientAuth";
    }
}
