using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PkiPlatform.Identity;

/// <summary>A relying party as an RA admin or operator registers it (CLI and portal take the same fields).</summary>
/// <param name="AuthenticationMethod">One of <see cref="RelyingPartyProperties.AuthenticationMethods"/>.</param>
/// <param name="Account">For <c>tls_client_auth</c>: the registered business system (<c>system:NAME</c>) whose certificates authenticate the client.</param>
/// <param name="JsonWebKeySet">For <c>private_key_jwt</c>: the client's public keys (JWKS JSON).</param>
/// <param name="FirstParty">Run by the platform's operator: no consent page.</param>
public sealed record RelyingPartyRegistration(
    string ClientId,
    string DisplayName,
    IReadOnlyList<string> Grants,
    IReadOnlyList<string> RedirectUris,
    string AuthenticationMethod = RelyingPartyProperties.ClientSecretBasic,
    string? Account = null,
    string? JsonWebKeySet = null,
    IReadOnlyList<string>? PostLogoutRedirectUris = null,
    string? BackChannelLogoutUri = null,
    bool RequirePar = false,
    bool FirstParty = true,
    string SigningAlgorithm = SecurityAlgorithms.EcdsaSha256);

/// <summary>A relying party as listed.</summary>
public sealed record RelyingPartyView(string ClientId, string DisplayName, bool Active, string AuthenticationMethod, string? Account,
    IReadOnlyList<string> Grants, IReadOnlyList<string> RedirectUris, string? BackChannelLogoutUri, bool FirstParty);

/// <summary>
/// Registering relying parties (issue 12): one set of rules for <c>pki oidc client …</c> and the RA admin's portal page.
/// Redirect URIs are exact (https, http only on loopback, no fragment), a <c>tls_client_auth</c> client names a registered
/// business-system account, a <c>private_key_jwt</c> client brings public keys only. Every change is an audit event,
/// appended after the store's change (OpenIddict's store has its own context; the audit chain is the CA's).
/// </summary>
public sealed class RelyingParties(IOpenIddictApplicationManager manager, CertificateAuthority ca)
{
    public static readonly IReadOnlyList<string> SigningAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSsaPssSha256];

    /// <summary>Registers a client; returns its secret (shown once) for <c>client_secret_basic</c>, else null.</summary>
    public async Task<string?> AddAsync(RelyingPartyRegistration registration, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var clientId = registration.ClientId.Trim();
        if (clientId.Length is 0 or > 100 || clientId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw Invalid($"client id '{registration.ClientId}' must be 1..100 characters of letters, digits, '-', '_' and '.'",
                $"客户端标识“{registration.ClientId}”须为 1 至 100 个字母、数字、“-”、“_”或“.”");
        }

        if (await manager.FindByClientIdAsync(clientId, cancellationToken) is not null)
        {
            throw Invalid($"client {clientId} exists; pki oidc client list shows it", $"客户端 {clientId} 已存在");
        }

        var secret = registration.AuthenticationMethod == RelyingPartyProperties.ClientSecretBasic
            ? Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)) : null;
        var descriptor = await DescribeAsync(registration with { ClientId = clientId }, secret, cancellationToken);
        await manager.CreateAsync(descriptor, cancellationToken);
        await AuditAsync(actor, "oidc.client_added", clientId,
            $"auth={registration.AuthenticationMethod}{(registration.Account is null ? "" : $" account={registration.Account}")}; grants={string.Join(",", registration.Grants)}; " +
            $"redirects={string.Join(" ", descriptor.RedirectUris)}; par={(registration.RequirePar ? "required" : "optional")}; " +
            $"backchannel_logout={registration.BackChannelLogoutUri ?? "none"}; first_party={registration.FirstParty}; alg={registration.SigningAlgorithm}", cancellationToken);
        return secret;
    }

    /// <summary>Disables a client: it keeps its record (and audit history) but may use no endpoint.</summary>
    public async Task DisableAsync(string clientId, string actor, CancellationToken cancellationToken = default)
    {
        var application = await manager.FindByClientIdAsync(clientId, cancellationToken) ?? throw Invalid($"no client {clientId}; pki oidc client list shows them", $"没有客户端 {clientId}");
        var descriptor = new OpenIddictApplicationDescriptor();
        await manager.PopulateAsync(descriptor, application, cancellationToken);
        descriptor.Permissions.Clear();
        await manager.UpdateAsync(application, descriptor, cancellationToken);
        await AuditAsync(actor, "oidc.client_disabled", clientId, "permissions removed", cancellationToken);
    }

    public async Task<IReadOnlyList<RelyingPartyView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var views = new List<RelyingPartyView>();
        await foreach (var application in manager.ListAsync(cancellationToken: cancellationToken))
        {
            var permissions = await manager.GetPermissionsAsync(application, cancellationToken);
            var properties = await manager.GetPropertiesAsync(application, cancellationToken);
            string? Property(string name) => properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            views.Add(new RelyingPartyView(
                await manager.GetClientIdAsync(application, cancellationToken) ?? "",
                await manager.GetDisplayNameAsync(application, cancellationToken) ?? "",
                !permissions.IsEmpty,
                Property(RelyingPartyProperties.AuthenticationMethod) ?? RelyingPartyProperties.ClientSecretBasic,
                Property(RelyingPartyProperties.Account),
                [.. permissions.Where(p => p.StartsWith(Permissions.Prefixes.GrantType, StringComparison.Ordinal)).Select(p => p[Permissions.Prefixes.GrantType.Length..])],
                [.. await manager.GetRedirectUrisAsync(application, cancellationToken)],
                Property(RelyingPartyProperties.BackChannelLogoutUri),
                Property(RelyingPartyProperties.FirstParty) != "false"));
        }

        return views;
    }

    private async Task<OpenIddictApplicationDescriptor> DescribeAsync(RelyingPartyRegistration registration, string? secret, CancellationToken cancellationToken)
    {
        var grants = registration.Grants.Count > 0 ? registration.Grants : [GrantTypes.AuthorizationCode];
        if (grants.FirstOrDefault(g => g is not (GrantTypes.AuthorizationCode or GrantTypes.ClientCredentials)) is { } unknown)
        {
            throw Invalid($"grant '{unknown}' is not offered; use authorization_code (with refresh_token) or client_credentials",
                $"不支持授权类型“{unknown}”；请使用 authorization_code（可带 refresh_token）或 client_credentials");
        }

        if (!RelyingPartyProperties.AuthenticationMethods.Contains(registration.AuthenticationMethod))
        {
            throw Invalid($"authentication method '{registration.AuthenticationMethod}' is not offered; use one of {string.Join(", ", RelyingPartyProperties.AuthenticationMethods)}",
                $"不支持认证方式“{registration.AuthenticationMethod}”；可选：{string.Join("、", RelyingPartyProperties.AuthenticationMethods)}");
        }

        if (!SigningAlgorithms.Contains(registration.SigningAlgorithm))
        {
            throw Invalid($"ID-token algorithm '{registration.SigningAlgorithm}' is not offered; use {string.Join(" or ", SigningAlgorithms)}",
                $"不支持 ID 令牌算法“{registration.SigningAlgorithm}”；可选：{string.Join("、", SigningAlgorithms)}");
        }

        var redirects = registration.RedirectUris.Select(u => ExactUri(u, "redirect URI")).ToList();
        var postLogout = (registration.PostLogoutRedirectUris ?? []).Select(u => ExactUri(u, "post-logout redirect URI")).ToList();
        var backChannel = registration.BackChannelLogoutUri is { Length: > 0 } uri ? ExactUri(uri, "back-channel logout URI") : null;
        if (grants.Contains(GrantTypes.AuthorizationCode) && redirects.Count == 0)
        {
            throw Invalid("the authorization_code grant needs at least one redirect URI", "authorization_code 授权类型至少需要一个回调地址");
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = registration.ClientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            ConsentType = registration.FirstParty ? ConsentTypes.Implicit : ConsentTypes.Explicit,
            DisplayName = registration.DisplayName.Length > 0 ? registration.DisplayName : registration.ClientId,
        };
        switch (registration.AuthenticationMethod)
        {
            case RelyingPartyProperties.TlsClientAuth:
                if (registration.Account is not { } account || await ca.Accounts.FindAsync(account, cancellationToken) is not { Kind: AccountKind.System })
                {
                    throw Invalid($"tls_client_auth needs the registered business-system account the client's certificates are bound to (system:NAME); '{registration.Account}' is none (pki account list)",
                        $"tls_client_auth 需要填写客户端证书所绑定的已登记业务系统账户（system:名称）；“{registration.Account}”不是");
                }

                descriptor.Properties[RelyingPartyProperties.Account] = JsonSerializer.SerializeToElement(account);
                break;
            case RelyingPartyProperties.PrivateKeyJwt:
                descriptor.JsonWebKeySet = PublicKeys(registration.JsonWebKeySet);
                break;
            default:
                break;
        }

        descriptor.Properties[RelyingPartyProperties.AuthenticationMethod] = JsonSerializer.SerializeToElement(registration.AuthenticationMethod);
        descriptor.Properties[RelyingPartyProperties.FirstParty] = JsonSerializer.SerializeToElement(registration.FirstParty ? "true" : "false");
        descriptor.Properties[RelyingPartyProperties.SigningAlgorithm] = JsonSerializer.SerializeToElement(registration.SigningAlgorithm);
        if (backChannel is not null)
        {
            descriptor.Properties[RelyingPartyProperties.BackChannelLogoutUri] = JsonSerializer.SerializeToElement(backChannel);
        }

        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Endpoints.Revocation, Permissions.Endpoints.Introspection]);
        if (grants.Contains(GrantTypes.AuthorizationCode))
        {
            descriptor.Permissions.UnionWith([
                Permissions.Endpoints.Authorization, Permissions.Endpoints.PushedAuthorization, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Scopes.Roles, Permissions.Prefixes.Scope + Scopes.OfflineAccess]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            descriptor.RedirectUris.UnionWith(redirects.Select(u => new Uri(u)));
            descriptor.PostLogoutRedirectUris.UnionWith(postLogout.Select(u => new Uri(u)));
        }

        if (grants.Contains(GrantTypes.ClientCredentials))
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }

        if (registration.RequirePar)
        {
            descriptor.Requirements.Add(Requirements.Features.PushedAuthorizationRequests);
        }

        return descriptor;
    }

    /// <summary>A JWKS with public keys only (a private part is refused: the client keeps its key).</summary>
    private static JsonWebKeySet PublicKeys(string? json)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json ?? throw Invalid("private_key_jwt needs the client's public keys as a JWKS (--jwks FILE)", "private_key_jwt 需要以 JWKS 形式提供客户端公钥"));
        }
        catch (ArgumentException ex)
        {
            throw Invalid($"the JWKS cannot be read: {ex.Message}", $"无法读取 JWKS：{ex.Message}");
        }

        if (set.Keys.Count == 0 || set.Keys.Any(k => k.D is not null || k.K is not null || k.P is not null))
        {
            throw Invalid("the JWKS must hold at least one public key and no private or symmetric key material", "JWKS 须至少包含一个公钥，且不得包含私钥或对称密钥");
        }

        return set;
    }

    private static string ExactUri(string uri, string what) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Fragment.Length == 0 && parsed.UserInfo.Length == 0
        && (parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback))
            ? parsed.AbsoluteUri
            : throw Invalid($"{what} '{uri}' must be an absolute https URL (http only on loopback) without a fragment or user info (RFC 6749 §3.1.2)",
                $"地址“{uri}”须为完整的 https 地址（仅本机可用 http），不得含片段或用户信息（RFC 6749 §3.1.2）");

    /// <summary>Chinese wording of a refusal, for the RA admin's page (the CLI and logs keep the English message).</summary>
    public const string ChineseMessage = "zh-CN";

    private static PkiException Invalid(string message, string chinese)
    {
        var refusal = new PkiException(PkiErrorCodes.InvalidArgument, message);
        refusal.Data[ChineseMessage] = chinese;
        return refusal;
    }

    private Task AuditAsync(string actor, string action, string target, string details, CancellationToken cancellationToken) =>
        ca.AuditAfterAsync(new AuditRecord(actor, action, target, details), cancellationToken);
}
