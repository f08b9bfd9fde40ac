using Npgsql;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.TestKit;

/// <summary>
/// A fresh, empty CA database: a SQLite file in a temporary folder, or a new database on the
/// PostgreSQL server the test script started (PKI_TEST_POSTGRES), dropped afterwards.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "PKI_TEST_POSTGRES";

    private readonly string? _server;
    private readonly string? _name;
    private readonly string? _directory;

    private TestDatabase(DatabaseOptions options, string? server, string? name, string? directory)
    {
        Options = options;
        _server = server;
        _name = name;
        _directory = directory;
        Database = new CaDatabase(options);
    }

    public DatabaseOptions Options { get; }

    public CaDatabase Database { get; }

    public static IEnumerable<string> Providers => ["sqlite", "postgres"];

    public static async Task<TestDatabase> CreateAsync(string provider)
    {
        TestDatabase result;
        if (provider == "postgres")
        {
            var server = Environment.GetEnvironmentVariable(PostgresVariable);
            if (string.IsNullOrEmpty(server))
            {
                Assert.Ignore($"{PostgresVariable} is not set: run the suite with ops/scripts/test.sh, which starts a throwaway PostgreSQL server");
            }

            var name = $"pki_test_{Guid.NewGuid():N}"[..28];
            await using (var connection = new NpgsqlConnection(server))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await create.ExecuteNonQueryAsync();
            }

            var options = new DatabaseOptions { Provider = "postgres", ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString };
            result = new TestDatabase(options, server, name, null);
        }
        else
        {
            var directory = Directory.CreateTempSubdirectory("pki-db-").FullName;
            result = new TestDatabase(new DatabaseOptions { Provider = "sqlite", ConnectionString = $"Data Source={Path.Combine(directory, "ca.db")}" }, null, null, directory);
        }

        await result.Database.MigrateAsync();
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
