using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.Identity;
using PkiPlatform.KeyStore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki oidc client add|list|disable</c> and <c>pki oidc rotate-key</c> (issue 12): relying parties of the identity
/// provider, in its tables in the platform's database; every change an audit event with the operator as actor.
/// </summary>
internal static class OidcCommand
{
    public static Command Create()
    {
        var id = new Option<string>("--id") { Description = "Client id", Required = true };
        var name = new Option<string>("--name") { Description = "Display name", DefaultValueFactory = _ => "" };
        var redirect = new Option<string[]>("--redirect-uri") { Description = "Exact redirect URI (repeat for several); https, or http on loopback", AllowMultipleArgumentsPerToken = true };
        var grant = new Option<string[]>("--grant") { Description = "authorization_code (default; with refresh_token) or client_credentials", AllowMultipleArgumentsPerToken = true };
        grant.AcceptOnlyFromAmong(GrantTypes.AuthorizationCode, GrantTypes.ClientCredentials);
        var requirePar = new Option<bool>("--require-par") { Description = "Authorization requests only through pushed authorization requests (RFC 9126)" };
        var add = new Command("add", "Register a relying party with client_secret_basic; its secret is printed once") { id, name, redirect, grant, requirePar };
        add.SetRun(async (result, cancellationToken) =>
        {
            var grants = result.GetValue(grant) is { Length: > 0 } g ? g : [GrantTypes.AuthorizationCode];
            var redirects = (result.GetValue(redirect) ?? []).Select(u => Redirect(u)).ToList();
            if (grants.Contains(GrantTypes.AuthorizationCode) && redirects.Count == 0)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, "the authorization_code grant needs at least one --redirect-uri");
            }

            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var services = await ServicesAsync(runtime, cancellationToken);
            var manager = services.GetRequiredService<IOpenIddictApplicationManager>();
            var clientId = result.GetValue(id)!.Trim();
            if (await manager.FindByClientIdAsync(clientId, cancellationToken) is not null)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"client {clientId} exists; pki oidc client list shows it");
            }

            var secret = RaBootstrap.NewPassword() + RaBootstrap.NewPassword();
            var descriptor = Descriptor(clientId, result.GetValue(name)!, secret, redirects, grants);
            if (result.GetValue(requirePar))
            {
                descriptor.Requirements.Add(Requirements.Features.PushedAuthorizationRequests);
            }

            await manager.CreateAsync(descriptor, cancellationToken);
            await AuditAsync(runtime, CliOptions.ActorOf(result), "oidc.client_added", clientId, $"grants={string.Join(",", grants)}; redirects={string.Join(" ", redirects)}; par={(result.GetValue(requirePar) ? "required" : "optional")}", cancellationToken);
            Console.WriteLine($"client {clientId}: secret {secret}   (shown once; client_secret_basic)");
            return 0;
        });

        var list = new Command("list", "List relying parties");
        list.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var services = await ServicesAsync(runtime, cancellationToken);
            var manager = services.GetRequiredService<IOpenIddictApplicationManager>();
            await foreach (var application in manager.ListAsync(cancellationToken: cancellationToken))
            {
                var permissions = await manager.GetPermissionsAsync(application, cancellationToken);
                Console.WriteLine($"{await manager.GetClientIdAsync(application, cancellationToken),-24} {(permissions.IsEmpty ? "disabled" : "active"),-8} " +
                    $"{string.Join(",", permissions.Where(p => p.StartsWith(Permissions.Prefixes.GrantType, StringComparison.Ordinal)).Select(p => p[Permissions.Prefixes.GrantType.Length..]))}  " +
                    $"{string.Join(" ", await manager.GetRedirectUrisAsync(application, cancellationToken))}");
            }

            return 0;
        });

        var disableId = new Argument<string>("client-id");
        var disable = new Command("disable", "Disable a relying party: it keeps its record but may use no endpoint") { disableId };
        disable.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var services = await ServicesAsync(runtime, cancellationToken);
            var manager = services.GetRequiredService<IOpenIddictApplicationManager>();
            var clientId = result.GetValue(disableId)!;
            var application = await manager.FindByClientIdAsync(clientId, cancellationToken)
                ?? throw new PkiException(PkiErrorCodes.InvalidArgument, $"no client {clientId}; pki oidc client list shows them");
            var descriptor = new OpenIddictApplicationDescriptor();
            await manager.PopulateAsync(descriptor, application, cancellationToken);
            descriptor.Permissions.Clear();
            await manager.UpdateAsync(application, descriptor, cancellationToken);
            await AuditAsync(runtime, CliOptions.ActorOf(result), "oidc.client_disabled", clientId, "permissions removed", cancellationToken);
            Console.WriteLine($"client {clientId}: disabled");
            return 0;
        });

        var rotate = new Command("rotate-key", "Introduce a new token-signing key (ES256, in the key store); the JWKS keeps the old ones, which verify tokens they signed");
        rotate.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var label = Identity.Host.IdentityProviderEndpoints.GenerateSigningKey(runtime.Ca);
            await AuditAsync(runtime, CliOptions.ActorOf(result), AuditActions.KeyGenerated, label, "oidc token-signing key (ES256); signs from the next start of the identity provider", cancellationToken);
            Console.WriteLine($"new signing key {label}; restart the identity provider (pki up) to sign with it");
            return 0;
        });

        return new Command("oidc", "The identity provider: relying parties and token-signing keys") { new Command("client", "Relying parties") { add, list, disable }, rotate };
    }

    internal static OpenIddictApplicationDescriptor Descriptor(string clientId, string displayName, string secret, IReadOnlyList<string> redirects, IReadOnlyList<string> grants)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = displayName.Length > 0 ? displayName : clientId,
        };
        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        descriptor.Permissions.Add(Permissions.Endpoints.Revocation);
        descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        if (grants.Contains(GrantTypes.AuthorizationCode))
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Authorization);
            descriptor.Permissions.Add(Permissions.Endpoints.PushedAuthorization);
            descriptor.Permissions.Add(Permissions.Endpoints.EndSession);
            descriptor.Permissions.Add(Permissions.GrantTypes.AuthorizationCode);
            descriptor.Permissions.Add(Permissions.GrantTypes.RefreshToken);
            descriptor.Permissions.Add(Permissions.ResponseTypes.Code);
            descriptor.Permissions.Add(Permissions.Scopes.Profile);
            descriptor.Permissions.Add(Permissions.Scopes.Roles);
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + Scopes.OfflineAccess);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            foreach (var uri in redirects)
            {
                descriptor.RedirectUris.Add(new Uri(uri));
            }
        }

        if (grants.Contains(GrantTypes.ClientCredentials))
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }

        return descriptor;
    }

    internal static async Task<ServiceProvider> ServicesAsync(CaCore.Hosting.PkiRuntime runtime, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection().AddLogging().AddIdentityStore(runtime.Ca.Database).BuildServiceProvider();
        await IdentityStore.MigrateAsync(services, cancellationToken);
        return services;
    }

    private static string Redirect(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Fragment.Length == 0
        && (parsed.Scheme == "https" || (parsed.Scheme == "http" && parsed.IsLoopback))
            ? parsed.AbsoluteUri
            : throw new PkiException(PkiErrorCodes.InvalidArgument, $"--redirect-uri '{uri}' must be an absolute https URL (http only on loopback) without a fragment (RFC 6749 §3.1.2)");

    internal static async Task AuditAsync(CaCore.Hosting.PkiRuntime runtime, string actor, string action, string target, string details, CancellationToken cancellationToken)
    {
        await using var db = runtime.Ca.Database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await runtime.Ca.Audit.AppendAsync(db, [new AuditRecord(actor, action, target, details)], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
