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
        var auth = new Option<string>("--auth") { Description = "Client authentication: client_secret_basic (default; secret printed once), tls_client_auth (certificates bound to --account), private_key_jwt (--jwks)", DefaultValueFactory = _ => RelyingPartyProperties.ClientSecretBasic };
        auth.AcceptOnlyFromAmong([.. RelyingPartyProperties.AuthenticationMethods]);
        var account = new Option<string>("--account") { Description = "tls_client_auth: the registered business system (system:NAME) whose certificates authenticate the client" };
        var jwks = new Option<FileInfo>("--jwks") { Description = "private_key_jwt: the client's public keys (JWKS JSON file)" };
        var postLogout = new Option<string[]>("--post-logout-redirect-uri") { Description = "Exact URI RP-initiated logout may return to (repeat for several)", AllowMultipleArgumentsPerToken = true };
        var backChannel = new Option<string>("--backchannel-logout-uri") { Description = "Where logout tokens are POSTed when a session ends (OpenID Connect Back-Channel Logout 1.0)" };
        var thirdParty = new Option<bool>("--third-party") { Description = "Not run by the platform's operator: staff are asked to consent before their data is released" };
        var alg = new Option<string>("--id-token-alg") { Description = "ID-token signature: ES256 (default) or PS256", DefaultValueFactory = _ => "ES256" };
        alg.AcceptOnlyFromAmong([.. RelyingParties.SigningAlgorithms]);
        var add = new Command("add", "Register a relying party (secret, certificate or key-based client authentication)") { id, name, redirect, grant, requirePar, auth, account, jwks, postLogout, backChannel, thirdParty, alg };
        add.SetRun(async (result, cancellationToken) =>
        {
            var keys = result.GetValue(jwks) is { } file
                ? (file.Exists ? await File.ReadAllTextAsync(file.FullName, cancellationToken) : throw new PkiException(PkiErrorCodes.InvalidArgument, $"--jwks {file.FullName} does not exist"))
                : null;
            var registration = new RelyingPartyRegistration(result.GetValue(id)!, result.GetValue(name)!, result.GetValue(grant) ?? [], result.GetValue(redirect) ?? [],
                result.GetValue(auth)!, result.GetValue(account), keys, result.GetValue(postLogout), result.GetValue(backChannel), result.GetValue(requirePar),
                !result.GetValue(thirdParty), result.GetValue(alg)!);
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var services = await ServicesAsync(runtime, cancellationToken);
            var secret = await Registry(services, runtime).AddAsync(registration, CliOptions.ActorOf(result), cancellationToken);
            Console.WriteLine(secret is null
                ? $"client {registration.ClientId.Trim()}: registered ({registration.AuthenticationMethod}{(registration.Account is null ? "" : $", certificates bound to {registration.Account}")})"
                : $"client {registration.ClientId.Trim()}: secret {secret}   (shown once; client_secret_basic)");
            return 0;
        });

        var list = new Command("list", "List relying parties");
        list.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var services = await ServicesAsync(runtime, cancellationToken);
            foreach (var client in await Registry(services, runtime).ListAsync(cancellationToken))
            {
                Console.WriteLine($"{client.ClientId,-24} {(client.Active ? "active" : "disabled"),-8} {client.AuthenticationMethod,-19} {string.Join(",", client.Grants)}  " +
                    $"{string.Join(" ", client.RedirectUris)}{(client.Account is null ? "" : $"  account {client.Account}")}");
            }

            return 0;
        });

        var disableId = new Argument<string>("client-id");
        var disable = new Command("disable", "Disable a relying party: it keeps its record but may use no endpoint") { disableId };
        disable.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var services = await ServicesAsync(runtime, cancellationToken);
            var clientId = result.GetValue(disableId)!;
            await Registry(services, runtime).DisableAsync(clientId, CliOptions.ActorOf(result), cancellationToken);
            Console.WriteLine($"client {clientId}: disabled");
            return 0;
        });

        var rotateAlg = new Option<string>("--alg") { Description = "ES256 (ECDSA P-256, the default signer) or PS256 (RSA 3072, for clients registered with --id-token-alg PS256)", DefaultValueFactory = _ => "ES256" };
        rotateAlg.AcceptOnlyFromAmong([.. RelyingParties.SigningAlgorithms]);
        var rotate = new Command("rotate-key", "Introduce a new token-signing key (in the key store); the JWKS keeps the old ones, which verify tokens they signed") { rotateAlg };
        rotate.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var alg = result.GetValue(rotateAlg)!;
            var label = Identity.Host.IdentityProviderEndpoints.GenerateSigningKey(runtime.Ca, alg == "PS256" ? KeyAlgorithm.Rsa3072 : KeyAlgorithm.EcP256);
            await AuditAsync(runtime, CliOptions.ActorOf(result), AuditActions.KeyGenerated, label, $"oidc token-signing key ({alg}); signs from the next start of the identity provider", cancellationToken);
            Console.WriteLine($"new signing key {label} ({alg}); restart the identity provider (pki up) to sign with it");
            return 0;
        });

        return new Command("oidc", "The identity provider: relying parties and token-signing keys") { new Command("client", "Relying parties") { add, list, disable }, rotate };
    }

    internal static RelyingParties Registry(IServiceProvider services, CaCore.Hosting.PkiRuntime runtime) =>
        new(services.GetRequiredService<IOpenIddictApplicationManager>(), runtime.Ca);

    internal static async Task<ServiceProvider> ServicesAsync(CaCore.Hosting.PkiRuntime runtime, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection().AddLogging().AddIdentityStore(runtime.Ca.Database).BuildServiceProvider();
        await IdentityStore.MigrateAsync(services, cancellationToken);
        return services;
    }

    internal static Task AuditAsync(CaCore.Hosting.PkiRuntime runtime, string actor, string action, string target, string details, CancellationToken cancellationToken) =>
        runtime.Ca.AuditAfterAsync(new AuditRecord(actor, action, target, details), cancellationToken);
}
