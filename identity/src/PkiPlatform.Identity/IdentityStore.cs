using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.CaCore.Storage;

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
            services.AddDbContextPool<IdentityDbContext, SqliteIdentityDbContext>(db =>
                db.UseSqlite(CaDatabase.SqliteConnectionString(database.Options.ConnectionString), sqlite => sqlite.MigrationsHistoryTable("__oidc_migrations")));
        }

        services.AddOpenIddict().AddCore(core =>
        {
            core.UseEntityFrameworkCore().UseDbContext<IdentityDbContext>();
            core.ReplaceApplicationManager<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication, PlatformApplicationManager>();
        });
        return services;
    }

    /// <summary>Brings the identity tables up to date (their own migrations and history table).</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Database.MigrateAsync(cancellationToken);
    }
}
