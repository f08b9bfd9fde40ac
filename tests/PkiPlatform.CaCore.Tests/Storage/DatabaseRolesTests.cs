using Npgsql;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.CaCore.Tests.Storage;

/// <summary>Issue 10: each zone's PostgreSQL role may do only what its zone does; a forbidden write fails in PostgreSQL itself.</summary>
[NonParallelizable]
public sealed class DatabaseRolesTests
{
    private const string InsertCertificate = "INSERT INTO certificates (authority_id, serial, profile, subject_dn, not_before, not_after, status, created_at) VALUES (999, 'AB', 'x', 'CN=x', now(), now(), 0, now())";
    private const string InsertCrl = "INSERT INTO crls (authority_id, number, this_update, next_update, entry_count, der) VALUES (999, 1, now(), now(), 0, '\\x00')";
    private const string InsertRequest = "INSERT INTO ra_requests (kind, status, profile, subject_dn, applicant_name, applicant_staff_id, organization, unit, contact, submitted_by, required_approvals, tracking_code, submitted_at) VALUES (0, 0, 'staff-auth', 'CN=x', 'x', 'E1', 'o', 'u', 'c', 'anonymous', 2, 'code', now())";

    [Test]
    public async Task Roles_OcspOnlyReads_RaCannotWriteCertificates_OnlyCaWritesCertificatesAndCrls()
    {
        var prefix = $"t{Guid.NewGuid():N}"[..12] + "_";
        IReadOnlyList<DatabaseRoles.Role> roles;
        await using (var database = await TestDatabase.CreateAsync("postgres"))
        {
            roles = await DatabaseRoles.CreateAsync(database.Database, prefix);
            var connection = database.Options.ConnectionString;

            async Task<string> TryAsync(string zone, string sql)
            {
                var role = roles.Single(r => r.Zone == zone);
                await using var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connection) { Username = role.Name, Password = role.Password, Pooling = false }.ConnectionString);
                await session.OpenAsync();
                await using var command = new NpgsqlCommand(sql, session);
                try
                {
                    await command.ExecuteNonQueryAsync();
                    return "ok";
                }
                catch (PostgresException ex)
                {
                    return ex.SqlState;
                }
            }

            Assert.That(roles.Select(r => r.Zone), Is.EquivalentTo(new[] { "ca", "ra", "token-service", "ocsp" }));
            Assert.That(await TryAsync("ocsp", "SELECT count(*) FROM certificates"), Is.EqualTo("ok"));
            Assert.That(await TryAsync("ocsp", "UPDATE certificates SET status = 1"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAsync("ocsp", InsertRequest), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAsync("ocsp", "SELECT count(*) FROM ra_accounts"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), "personal data is not the responder's");
            Assert.That(await TryAsync("ra", InsertCertificate), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAsync("ra", "UPDATE certificates SET status = 1"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAsync("ra", InsertCrl), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAsync("ra", InsertRequest), Is.EqualTo("ok"));
            // The RA role cannot queue a pre-approved service-certificate request (kind 3) nor turn an application into one.
            Assert.That(await TryAsync("ra", InsertRequest.Replace("VALUES (0, 0, 'staff-auth'", "VALUES (3, 1, 'tsa'", StringComparison.Ordinal)), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAsync("ra", "UPDATE ra_requests SET kind = 3, status = 1, profile = 'tsa'"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAsync("token-service", InsertRequest.Replace("VALUES (0, 0, 'staff-auth'", "VALUES (3, 1, 'tsa'", StringComparison.Ordinal)), Is.EqualTo("ok"));
            Assert.That(await TryAsync("token-service", InsertCertificate), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAsync("token-service", "DELETE FROM audit_events"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await TryAsync("ra", "DELETE FROM audit_events"), Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            // Only the CA role gets past privileges: the write then fails on the foreign key to a CA that does not exist.
            Assert.That(await TryAsync("ca", InsertCertificate), Is.EqualTo(PostgresErrorCodes.ForeignKeyViolation));
            Assert.That(await TryAsync("ca", InsertCrl), Is.EqualTo(PostgresErrorCodes.ForeignKeyViolation));

            var bad = Assert.ThrowsAsync<PkiException>(() => DatabaseRoles.CreateAsync(database.Database, "Bad-Prefix"))!;
            Assert.That(bad.Message, Does.Contain("lower-case"));
        }

        // The database is gone, and its grants with it: the roles can be dropped.
        await using var admin = new NpgsqlConnection(Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable));
        await admin.OpenAsync();
        foreach (var role in roles)
        {
            await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {role.Name}", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
