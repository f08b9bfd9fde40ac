using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Storage;

/// <summary>Creates contexts for the configured provider and applies its migrations.</summary>
public sealed class CaDatabase
{
    private readonly DatabaseOptions _options;
    private readonly DbContextOptions _contextOptions;

    public CaDatabase(DatabaseOptions options)
    {
        _options = options;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "database.connectionString is empty");
        }

        _contextOptions = options.Provider.ToLowerInvariant() switch
        {
            "sqlite" => new DbContextOptionsBuilder<SqliteCaDbContext>()
                .UseSqlite(SqliteConnectionString(options.ConnectionString))
                .Options,
            "postgres" or "postgresql" => new DbContextOptionsBuilder<PostgresCaDbContext>()
                .UseNpgsql(options.ConnectionString)
                .Options,
            _ => throw new PkiException(PkiErrorCodes.InvalidArgument,
                $"database.provider '{options.Provider}' is not supported; use 'sqlite' or 'postgres'"),
        };
    }

    public bool IsPostgres => _contextOptions is DbContextOptions<PostgresCaDbContext>;

    /// <summary>The provider and connection (other components' stores in the same database use them, e.g. the identity provider).</summary>
    public DatabaseOptions Options => _options;

    public string Provider => IsPostgres ? "postgres" : "sqlite";

    public CaDbContext CreateContext()
    {
        CaDbContext context = IsPostgres
            ? new PostgresCaDbContext((DbContextOptions<PostgresCaDbContext>)_contextOptions)
            : new SqliteCaDbContext((DbContextOptions<SqliteCaDbContext>)_contextOptions);
        context.ChangeTracker.AutoDetectChangesEnabled = false;
        return context;
    }

    /// <summary>Brings the schema up to date; safe to call on every start.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var context = CreateContext();
        try
        {
            await context.Database.MigrateAsync(cancellationToken);
            if (!IsPostgres)
            {
                // WAL lets readers (OCSP, the portal) run beside the CA's writes.
                await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or SqliteException or InvalidOperationException)
        {
            throw new PkiException(PkiErrorCodes.Storage, $"cannot open the {Provider} database: {ex.Message}", ex);
        }
    }

    /// <summary>The SQLite connection string every store of the platform uses (busy timeout, pooling).</summary>
    public static string SqliteConnectionString(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            // A second process (pki up beside a CLI command) waits for the write lock instead of failing.
            DefaultTimeout = 30,
            Pooling = true,
        };
        return builder.ToString();
    }
}
