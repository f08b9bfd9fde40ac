using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PkiPlatform.Identity;

/// <summary>
/// The identity provider's own tables (issue 10: each component owns its data): OpenIddict's applications (relying
/// parties), authorizations, scopes and tokens, and the platform's login sessions, in the platform's database under the
/// <c>oidc_</c> prefix.
/// </summary>
public abstract class IdentityDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<LoginSessionEntity> Sessions => Set<LoginSessionEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is { } table && table.StartsWith("OpenIddict", StringComparison.Ordinal))
            {
                entity.SetTableName("oidc_" + table["OpenIddict".Length..].ToLowerInvariant());
            }
        }

        modelBuilder.Entity<LoginSessionEntity>(session =>
        {
            session.ToTable("oidc_sessions");
            session.Property(s => s.Sid).HasMaxLength(64);
            session.Property(s => s.Subject).HasMaxLength(200);
            session.Property(s => s.ClientId).HasMaxLength(100);
            session.Property(s => s.AuthorizationId).HasMaxLength(100);
            session.Property(s => s.EndReason).HasMaxLength(40);
            session.Property(s => s.LogoutError).HasMaxLength(400);
            session.HasIndex(s => s.Sid).IsUnique();
            session.HasIndex(s => s.EndedAt);
            session.HasIndex(s => s.Subject);
        });
    }
}

public sealed class SqliteIdentityDbContext(DbContextOptions<SqliteIdentityDbContext> options) : IdentityDbContext(options);

public sealed class PostgresIdentityDbContext(DbContextOptions<PostgresIdentityDbContext> options) : IdentityDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's context; never used at run time.</summary>
internal sealed class SqliteIdentityDesignTimeFactory : IDesignTimeDbContextFactory<SqliteIdentityDbContext>
{
    public SqliteIdentityDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteIdentityDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresIdentityDesignTimeFactory : IDesignTimeDbContextFactory<PostgresIdentityDbContext>
{
    public PostgresIdentityDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresIdentityDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
