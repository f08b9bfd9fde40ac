using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Identity;

/// <summary>The identity provider's store (OpenIddict's EF Core entities) over the platform's database, for hosts and the CLI.</summary>
public static class IdentityStore
{
    /// <summary>Registers <see cref="IdentityDbContext"/> for the platform's provider and OpenIddict's core over it.</summary>
    public static IServiceCollection AddIdentityStore(this IServiceCollection services, CaDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.IsPostgres)
        {
            services.AddDbContextPool<IdentityDbContext, PostgresIdentityDbContext>(db =>
                db.UseNpgsql(database.Options.ConnectionString, npgsql => npgsql.MigrationsHistoryTable("__oidc_migrations")));
        }
        else
        {
            // SQLite: the identity tables (clients, codes, tokens, sessions) commit without an fsync of their own
            // (WAL, synchronous=NORMAL): a power failure may lose the last sign-ins — people sign in again — but never
            // corrupts the file, and a sign-in costs no disk flush per row. The CA's own connections keep synchronous=FULL:
            // the identity connections are a separate pool (an explicit ForeignKeys=True, which is the default anyway).
            // SQLite has one writer: concurrent sign-ins would meet SQLITE_BUSY, which Microsoft.Data.Sqlite retries after
            // sleeping; the provider's own writes queue in process instead (SerializedWrites).
            var connection = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(CaDatabase.SqliteConnectionString(database.Options.ConnectionString)) { ForeignKeys = true }.ToString();
            services.AddDbContextPool<IdentityDbContext, SqliteIdentityDbContext>(db =>
                db.UseSqlite(connection, sqlite => sqlite.MigrationsHistoryTable("__oidc_migrations")).AddInterceptors(RelaxedDurability.Instance, SerializedWrites.Instance));
        }

        services.AddOpenIddict().AddCore(core =>
        {
            core.UseEntityFrameworkCore().UseDbContext<IdentityDbContext>();
            core.ReplaceApplicationManager<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication, PlatformApplicationManager>();
        });
        return services;
    }

    private sealed class RelaxedDurability : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
    {
        public static readonly RelaxedDurability Instance = new();

        public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous=NORMAL;";
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous=NORMAL;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>One SaveChanges at a time for the identity tables on SQLite (an in-process queue instead of lock-retry sleeps).</summary>
    private sealed class SerializedWrites : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
    {
        public static readonly SerializedWrites Instance = new();
        private static readonly SemaphoreSlim Gate = new(1, 1);

        public override async ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> SavingChangesAsync(
            Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            await Gate.WaitAsync(cancellationToken);
            return result;
        }

        public override ValueTask<int> SavedChangesAsync(Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Gate.Release();
            return ValueTask.FromResult(result);
        }

        public override Task SaveChangesFailedAsync(Microsoft.EntityFrameworkCore.Diagnostics.DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            Gate.Release();
            return Task.CompletedTask;
        }

        public override Task SaveChangesCanceledAsync(Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData, CancellationToken cancellationToken = default)
        {
            Gate.Release();
            return Task.CompletedTask;
        }

        public override Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> SavingChanges(Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result)
        {
            Gate.Wait();
            return result;
        }

        public override int SavedChanges(Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesCompletedEventData eventData, int result)
        {
            Gate.Release();
            return result;
        }

        public override void SaveChangesFailed(Microsoft.EntityFrameworkCore.Diagnostics.DbContextErrorEventData eventData) => Gate.Release();

        public override void SaveChangesCanceled(Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData) => Gate.Release();
    }

    /// <summary>
    /// For a host running with the identity zone's own database role (which may read its migration history but not
    /// change the schema): refuses to start on tables older than this build, naming the command that migrates them.
    /// </summary>
    public static async Task EnsureCurrentAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var pending = (await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument,
                $"the identity tables lack {pending.Count} migration(s) of this build ({string.Join(", ", pending)}); run `pki db migrate` with the owner's connection, then start the identity host again");
        }
    }

    /// <summary>Brings the identity tables up to date (their own migrations and history table).</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Database.MigrateAsync(cancellationToken);
    }
}
