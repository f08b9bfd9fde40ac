using System.CommandLine;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Hosting;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.Cli.Commands;

/// <summary><c>pki db roles</c>: one PostgreSQL login role per security zone, least privilege (docs/architecture.md).</summary>
internal static class DbCommand
{
    public static Command Create()
    {
        var prefix = new Option<string>("--prefix") { Description = "Role name prefix", DefaultValueFactory = _ => "pki_" };
        var roles = new Command("roles", "Create or reset the zones' PostgreSQL roles (CA, RA, token service, OCSP, identity, KMC) over the owner's connection in pki.json; passwords go to DATA/db/ROLE.password (0600)") { prefix };
        roles.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            // The component zones' tables exist before their roles are granted on them (their own migrations, as the owner).
            await MigrateComponentsAsync(runtime, cancellationToken);
            var created = await DatabaseRoles.CreateAsync(runtime.Ca.Database, result.GetValue(prefix)!, ComponentZones, cancellationToken);
            var directory = runtime.Data.Combine("db");
            Directory.CreateDirectory(directory);
            await using (var db = runtime.Ca.Database.CreateContext())
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                await runtime.Ca.Audit.AppendAsync(db, created.Select(r => new AuditRecord(CliOptions.ActorOf(result), AuditActions.DatabaseRoleGranted, r.Name, $"zone={r.Zone}")).ToList(), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            foreach (var role in created)
            {
                var file = Path.Combine(directory, role.Name + ".password");
                DataDirectory.WriteOwnerOnly(file, System.Text.Encoding.UTF8.GetBytes(role.Password + "\n"));
                Console.WriteLine($"{role.Zone,-14} role {role.Name}: password in {file}");
            }

            Console.WriteLine("Give each host its own role in its connection string (Username=…;Password=…); migrations stay with the owner (pki, CA host).");
            return 0;
        });
        var migrate = new Command("migrate", "Bring the CA's, the identity provider's and the KMC's tables up to date over the owner's connection in pki.json (hosts running with a zone's role do not migrate)");
        migrate.SetRun(async (result, cancellationToken) =>
        {
            // Opening the runtime migrates the CA's tables (the owner's connection); then the components' own.
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await MigrateComponentsAsync(runtime, cancellationToken);
            Console.WriteLine("CA, identity and KMC tables are current");
            return 0;
        });
        return new Command("db", "Database administration") { roles, migrate };
    }

    private static async Task MigrateComponentsAsync(PkiRuntime runtime, CancellationToken cancellationToken)
    {
        var identityServices = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        PkiPlatform.Identity.IdentityStore.AddIdentityStore(identityServices, runtime.Ca.Database);
        await using (var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(identityServices))
        {
            await PkiPlatform.Identity.IdentityStore.MigrateAsync(provider, cancellationToken);
        }

        await new PkiPlatform.Kmc.KmcStore(runtime.Ca.Database, runtime.Ca.Audit).MigrateAsync(cancellationToken);
    }

    /// <summary>
    /// The identity provider (its oidc_ stores, reading status and staff accounts) and the key management centre (its
    /// kmc_ archive, reading certificates to check what it confirms); both append to the audit chain. The CA's own role
    /// gets neither: the CA never reads the archive.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, DatabaseRoles.ZoneGrant> ComponentZones = new Dictionary<string, DatabaseRoles.ZoneGrant>(StringComparer.Ordinal)
    {
        ["identity"] = new(
            [.. DatabaseRoles.StatusAndAccounts, .. IdentityTables, "__oidc_migrations"],
            [.. IdentityTables, "audit_events"], [.. IdentityTables, "audit_head"], IdentityTables),
        ["kmc"] = new(
            [.. DatabaseRoles.StatusAndAccounts, .. KmcTables, "__kmc_migrations"],
            [.. KmcTables, "audit_events"], ["kmc_keys", "kmc_recoveries", "audit_head"], []),
    };

    private static string[] IdentityTables => ["oidc_applications", "oidc_authorizations", "oidc_scopes", "oidc_tokens", "oidc_sessions"];

    private static string[] KmcTables => ["kmc_keys", "kmc_recoveries", "kmc_recovery_approvals"];
}
