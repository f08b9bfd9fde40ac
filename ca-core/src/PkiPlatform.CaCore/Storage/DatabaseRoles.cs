using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Storage;

/// <summary>
/// PostgreSQL login roles per security zone with least privilege (issue 10), created by <c>pki db roles</c> over the
/// operator's (owner's) connection. Only the CA role writes certificates, CRLs and authorities; the RA role writes
/// applications, decisions and accounts; the token-service role its evidence, service keys and certificate
/// requests (row-level security keeps the RA role off service-certificate requests); the OCSP role only reads status (a read-only standby is enough). Every writing zone may append to the
/// audit chain. Migrations stay with the owner (CLI, CA host).
/// </summary>
public static class DatabaseRoles
{
    public sealed record Role(string Zone, string Name, string Password);

    /// <summary>
    /// A component zone's rights (the identity provider's oidc_ tables, the KMC's kmc_ tables): the components own their
    /// tables, so they name them; the CA's own tables they may read are <see cref="StatusAndAccounts"/> at most.
    /// </summary>
    public sealed record ZoneGrant(string[] Read, string[] Insert, string[] Update, string[] Delete);

    /// <summary>What a component zone reads of the CA's tables: status, accounts and their bindings, the audit chain.</summary>
    public static IReadOnlyList<string> StatusAndAccounts { get; } = ["authorities", "certificates", "ra_accounts", "account_certificates", "audit_events", "audit_head"];

    private static readonly string[] AllTables =
        ["authorities", "certificates", "crls", "ocsp_responders", "tsa_signers", "service_keys", "timestamp_records", "ra_requests",
         "ra_decisions", "ra_accounts", "account_certificates", "audit_events", "audit_head"];

    private static readonly string[] StatusTables = ["authorities", "certificates", "crls", "ocsp_responders"];

    /// <summary>What each zone may write, beyond reading (SELECT). The audit chain: INSERT events, UPDATE the head.</summary>
    private static readonly Dictionary<string, (string[] Read, string[] Insert, string[] Update)> Grants = new(StringComparer.Ordinal)
    {
        ["ca"] = (AllTables, AllTables, AllTables),
        ["ra"] = (AllTables, ["ra_requests", "ra_decisions", "ra_accounts", "audit_events"], ["ra_requests", "ra_accounts", "audit_head"]),
        ["token-service"] = (AllTables, ["timestamp_records", "tsa_signers", "service_keys", "ra_requests", "audit_events"], ["service_keys", "audit_head"]),
        ["ocsp"] = (StatusTables, [], []),
    };

    /// <summary>Creates (or resets the password of) <c>{prefix}ca</c>, <c>{prefix}ra</c>, <c>{prefix}token_service</c>, <c>{prefix}ocsp</c>.</summary>
    public static Task<IReadOnlyList<Role>> CreateAsync(CaDatabase database, string prefix, CancellationToken cancellationToken = default) =>
        CreateAsync(database, prefix, new Dictionary<string, ZoneGrant>(), cancellationToken);

    /// <summary>As above, plus one role per component zone (its tables must exist: migrate them first).</summary>
    public static async Task<IReadOnlyList<Role>> CreateAsync(CaDatabase database, string prefix, IReadOnlyDictionary<string, ZoneGrant> components, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(components);
        if (!System.Text.RegularExpressions.Regex.IsMatch(prefix, @"\A[a-z][a-z0-9_]{0,30}\z"))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"role prefix '{prefix}' must be lower-case letters, digits and _ (e.g. pki_)");
        }

        await using var db = database.CreateContext();
        if (!db.IsPostgres)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "database roles exist on PostgreSQL only; the embedded SQLite database is one file owned by one process");
        }

        var roles = new List<Role>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var zones = Grants.Select(g => (g.Key, new ZoneGrant(g.Value.Read, g.Value.Insert, g.Value.Update, g.Key == "ca" ? AllTables : [])))
            .Concat(components.Select(c => (c.Key, c.Value))).ToList();
        foreach (var (zone, grant) in zones)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(zone, @"\A[a-z][a-z-]{0,20}\z") || grant.Read.Concat(grant.Insert).Concat(grant.Update).Concat(grant.Delete)
                    .Any(t => !System.Text.RegularExpressions.Regex.IsMatch(t, @"\A_{0,2}[a-z][a-z0-9_]{0,62}\z")))
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"zone '{zone}' or one of its table names is not a plain lower-case identifier");
            }

            var name = prefix + zone.Replace('-', '_');
            // URL-safe base64 of 24 random bytes: no quote can end the literal.
            var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
            var sql = new List<string>
            {
                $"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN CREATE ROLE {name} LOGIN PASSWORD '{password}'; " +
                $"ELSE ALTER ROLE {name} LOGIN PASSWORD '{password}'; END IF; END $$",
                $"DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO {name}', current_database()); END $$",
                $"GRANT USAGE ON SCHEMA public TO {name}",
                $"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}",
                $"GRANT SELECT ON {string.Join(", ", grant.Read)} TO {name}",
            };
            if (grant.Insert.Length > 0)
            {
                sql.Add($"GRANT INSERT ON {string.Join(", ", grant.Insert)} TO {name}");
                sql.Add($"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {name}");
            }

            if (grant.Update.Length > 0)
            {
                sql.Add($"GRANT UPDATE ON {string.Join(", ", grant.Update)} TO {name}");
            }

            if (grant.Delete.Length > 0)
            {
                sql.Add($"GRANT DELETE ON {string.Join(", ", grant.Delete)} TO {name}");
            }

            foreach (var statement in sql)
            {
#pragma warning disable EF1002 // identifiers are checked above; the password is URL-safe base64
                await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
#pragma warning restore EF1002
            }

            roles.Add(new Role(zone, name, password));
        }

        // Row-level security on the queue: only the zones that hold service keys (token service, CA) may create or change
        // service-certificate requests (kind 3); the RA role writes applications and decisions, never those rows.
        var ra = prefix + "ra";
#pragma warning disable EF1002 // identifiers are checked above
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE ra_requests ENABLE ROW LEVEL SECURITY", cancellationToken);
        foreach (var role in roles)
        {
            await db.Database.ExecuteSqlRawAsync($"DROP POLICY IF EXISTS {role.Name}_queue ON ra_requests", cancellationToken);
            var check = role.Name == ra ? $"kind <> {(int)RaRequestKind.Service}" : "true";
            await db.Database.ExecuteSqlRawAsync(
                $"CREATE POLICY {role.Name}_queue ON ra_requests FOR ALL TO {role.Name} USING ({check}) WITH CHECK ({check})", cancellationToken);
        }
#pragma warning restore EF1002

        await transaction.CommitAsync(cancellationToken);
        return roles;
    }
}
