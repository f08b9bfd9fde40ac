using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Kmc;

/// <summary>
/// The KMC's tables over the platform's database. A change and its audit events commit together: the KMC context
/// joins the CA context's connection and transaction (the audit chain lives in the CA's tables).
/// </summary>
public sealed class KmcStore(CaDatabase database, AuditTrail audit)
{
    public CaDatabase Database => database;

    /// <summary>Brings the kmc_ tables up to date (their own migrations and history table).</summary>
    /// <summary>
    /// For the KMC host running with the kmc zone's own role (which may read its migration history, not change the
    /// schema): refuses to start on tables older than this build, naming the command that migrates them.
    /// </summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var kmc = Open(db.Database.GetDbConnection());
        var pending = (await kmc.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument,
                $"the KMC tables lack {pending.Count} migration(s) of this build ({string.Join(", ", pending)}); run `pki db migrate` with the owner's connection, then start the KMC host again");
        }
    }

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var kmc = Open(db.Database.GetDbConnection());
        await kmc.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>A read-only view (no transaction).</summary>
    public async Task<T> ReadAsync<T>(Func<KmcDbContext, Task<T>> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var kmc = Open(db.Database.GetDbConnection());
        return await read(kmc);
    }

    /// <summary>Runs <paramref name="change"/> and appends the audit records it returns, in one transaction.</summary>
    public async Task<T> ChangeAsync<T>(Func<KmcDbContext, CaDbContext, Task<(T Result, IReadOnlyList<AuditRecord> Audit)>> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await using var kmc = Open(db.Database.GetDbConnection());
        await kmc.Database.UseTransactionAsync(transaction.GetDbTransaction(), cancellationToken);
        var (result, records) = await change(kmc, db);
        await kmc.SaveChangesAsync(cancellationToken);
        if (records.Count > 0)
        {
            await audit.AppendAsync(db, records, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private KmcDbContext Open(DbConnection connection) => database.IsPostgres
        ? new PostgresKmcDbContext(new DbContextOptionsBuilder<PostgresKmcDbContext>()
            .UseNpgsql(connection, npgsql => npgsql.MigrationsHistoryTable("__kmc_migrations")).Options)
        : new SqliteKmcDbContext(new DbContextOptionsBuilder<SqliteKmcDbContext>()
            .UseSqlite(connection, sqlite => sqlite.MigrationsHistoryTable("__kmc_migrations")).Options);
}
