using System.Security.Cryptography;
using Npgsql;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Configuration;
using PkiPlatform.CaCore.Profiles;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Cli.Commands;

/// <summary>A throwaway PKI for one benchmark run.</summary>
internal sealed class BenchPki : IAsyncDisposable
{
    private readonly string? _postgresServer;
    private readonly string? _databaseName;

    private BenchPki(string directory, CaCore.CertificateAuthority ca, IKeyStore keys, string? postgresServer, string? databaseName)
    {
        Directory = directory;
        Ca = ca;
        Keys = keys;
        _postgresServer = postgresServer;
        _databaseName = databaseName;
    }

    public string Directory { get; }

    public CaCore.CertificateAuthority Ca { get; }

    public IKeyStore Keys { get; }

    public static async Task<BenchPki> CreateAsync(KeyAlgorithm algorithm, string? postgres, CancellationToken cancellationToken, CaOptions? caOptions = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("pki-bench-").FullName;
        DatabaseOptions options;
        string? databaseName = null;
        if (postgres is not null)
        {
            databaseName = $"pki_bench_{Guid.NewGuid():N}"[..24];
            await using var connection = new NpgsqlConnection(postgres);
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {databaseName}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            options = new DatabaseOptions { Provider = "postgres", ConnectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = databaseName }.ConnectionString };
        }
        else
        {
            options = new DatabaseOptions { Provider = "sqlite", ConnectionString = $"Data Source={Path.Combine(directory, "ca.db")}" };
        }

        var database = new CaDatabase(options);
        await database.MigrateAsync(cancellationToken);
        var keys = new KeyStore.Software.SoftwareKeyStore(new KeyStore.Software.SoftwareKeyStoreOptions
        {
            Directory = Path.Combine(directory, "keys"),
            Passphrase = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)),
            ScryptLog2N = 12,
        });
        var ca = new CaCore.CertificateAuthority(database, keys, ProfileCatalog.Defaults(), caOptions ?? new CaOptions(), TimeProvider.System, Path.Combine(directory, "crl"));
        await ca.Initializer.InitializeAsync(new AuthoritySetup { RootAlgorithm = algorithm, IssuingAlgorithm = algorithm }, "bench", cancellationToken);
        return new BenchPki(directory, ca, keys, postgres, databaseName);
    }

    public async ValueTask DisposeAsync()
    {
        Keys.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        if (_postgresServer is not null)
        {
            await using var connection = new NpgsqlConnection(_postgresServer);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
