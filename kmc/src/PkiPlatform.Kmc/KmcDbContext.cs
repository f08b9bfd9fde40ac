using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PkiPlatform.Kmc;

/// <summary>The key management centre's own tables (kmc_ prefix) in the platform's database; its audit events go to the shared chain.</summary>
public abstract class KmcDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<ArchivedKeyEntity> Keys => Set<ArchivedKeyEntity>();

    public DbSet<KeyRecoveryEntity> Recoveries => Set<KeyRecoveryEntity>();

    public DbSet<RecoveryApprovalEntity> RecoveryApprovals => Set<RecoveryApprovalEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<ArchivedKeyEntity>(key =>
        {
            key.ToTable("kmc_keys");
            key.Property(k => k.KeyId).HasMaxLength(32);
            key.Property(k => k.Algorithm).HasMaxLength(16);
            key.Property(k => k.PublicKeyHash).HasMaxLength(64);
            key.Property(k => k.MasterKeyLabel).HasMaxLength(100);
            key.Property(k => k.Reference).HasMaxLength(200);
            key.Property(k => k.Authority).HasMaxLength(100);
            key.Property(k => k.CertificateSerial).HasMaxLength(64);
            key.Property(k => k.EndReason).HasMaxLength(400);
            key.HasIndex(k => k.KeyId).IsUnique();
            key.HasIndex(k => k.PublicKeyHash).IsUnique();
            key.HasIndex(k => new { k.Status, k.CreatedAt });
            key.HasIndex(k => new { k.Authority, k.CertificateSerial });
        });
        modelBuilder.Entity<KeyRecoveryEntity>(recovery =>
        {
            recovery.ToTable("kmc_recoveries");
            recovery.Property(r => r.KeyId).HasMaxLength(32);
            recovery.Property(r => r.RequestedBy).HasMaxLength(200);
            recovery.Property(r => r.Reason).HasMaxLength(1000);
            recovery.Property(r => r.EnvelopeFormat).HasMaxLength(40);
            recovery.HasIndex(r => r.KeyId);
            recovery.HasMany(r => r.Approvals).WithOne().HasForeignKey(a => a.RecoveryId);
        });
        modelBuilder.Entity<RecoveryApprovalEntity>(approval =>
        {
            approval.ToTable("kmc_recovery_approvals");
            approval.Property(a => a.Approver).HasMaxLength(200);
            approval.Property(a => a.Certificate).HasMaxLength(300);
            approval.Property(a => a.Reason).HasMaxLength(1000);
            approval.HasIndex(a => new { a.RecoveryId, a.Approver }).IsUnique();
        });
    }
}

public sealed class SqliteKmcDbContext(DbContextOptions<SqliteKmcDbContext> options) : KmcDbContext(options);

public sealed class PostgresKmcDbContext(DbContextOptions<PostgresKmcDbContext> options) : KmcDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's context; never used at run time.</summary>
internal sealed class SqliteKmcDesignTimeFactory : IDesignTimeDbContextFactory<SqliteKmcDbContext>
{
    public SqliteKmcDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteKmcDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresKmcDesignTimeFactory : IDesignTimeDbContextFactory<PostgresKmcDbContext>
{
    public PostgresKmcDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresKmcDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
