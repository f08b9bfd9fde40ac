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
        var roles = new Command("roles", "Create or reset the zones' PostgreSQL roles (CA, RA, token service, OCSP) over the owner's connection in pki.json; passwords go to DATA/db/ROLE.password (0600)") { prefix };
        roles.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var created = await DatabaseRoles.CreateAsync(runtime.Ca.Database, result.GetValue(prefix)!, cancellationToken);
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
        return new Command("db", "Database administration") { roles };
    }
}
