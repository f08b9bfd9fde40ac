using System.Text;
using Microsoft.EntityFrameworkCore;

namespace PkiPlatform.CaCore.Storage;

/// <summary>
/// The CA schema, one model for both providers. Provider-specific subclasses exist only so that each
/// provider has its own migrations (<see cref="SqliteCaDbContext"/>, <see cref="PostgresCaDbContext"/>).
/// </summary>
public abstract class CaDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<AuthorityEntity> Authorities => Set<AuthorityEntity>();

    public DbSet<CertificateEntity> Certificates => Set<CertificateEntity>();

    public DbSet<CrlEntity> Crls => Set<CrlEntity>();

    public DbSet<AuditEventEntity> AuditEvents => Set<AuditEventEntity>();

    public DbSet<AuditHeadEntity> AuditHead => Set<AuditHeadEntity>();

    public DbSet<ResponderEntity> Responders => Set<ResponderEntity>();

    public DbSet<RaRequestEntity> RaRequests => Set<RaRequestEntity>();

    public DbSet<TsaSignerEntity> TsaSigners => Set<TsaSignerEntity>();

    public DbSet<TimestampRecordEntity> TimestampRecords => Set<TimestampRecordEntity>();

    public DbSet<RaDecisionEntity> RaDecisions => Set<RaDecisionEntity>();

    public DbSet<RaAccountEntity> RaAccounts => Set<RaAccountEntity>();

    public DbSet<AccountCertificateEntity> AccountCertificates => Set<AccountCertificateEntity>();

    public DbSet<ServiceKeyEntity> ServiceKeys => Set<ServiceKeyEntity>();

    public abstract bool IsPostgres { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuthorityEntity>(e =>
        {
            e.ToTable("authorities");
            e.HasIndex(a => a.Name).IsUnique();
            e.Property(a => a.Name).HasMaxLength(64);
            e.Property(a => a.KeyLabel).HasMaxLength(64);
            e.Property(a => a.KeyAlgorithm).HasMaxLength(16);
        });
        modelBuilder.Entity<CertificateEntity>(e =>
        {
            e.ToTable("certificates");
            // ARCHITECTURE.md: serials unique per issuer, enforced by the database.
            e.HasIndex(c => new { c.AuthorityId, c.Serial }).IsUnique();
            e.HasIndex(c => new { c.AuthorityId, c.StatusChangedAt });
            // The OCSP responders' change poll asks across all CAs every few seconds.
            e.HasIndex(c => c.StatusChangedAt);
            // Unfinished issuance intents, looked for by the recovery pass every few seconds: a tiny partial index.
            e.HasIndex(c => c.CreatedAt).HasFilter("status = 0").HasDatabaseName("ix_certificates_intents");
            e.Property(c => c.Serial).HasMaxLength(40);
            e.Property(c => c.Profile).HasMaxLength(64);
            e.HasOne<AuthorityEntity>().WithMany().HasForeignKey(c => c.AuthorityId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<CrlEntity>(e =>
        {
            e.ToTable("crls");
            e.HasIndex(c => new { c.AuthorityId, c.Number }).IsUnique();
            e.HasOne<AuthorityEntity>().WithMany().HasForeignKey(c => c.AuthorityId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<ResponderEntity>(e =>
        {
            e.ToTable("ocsp_responders");
            e.HasIndex(r => new { r.AuthorityId, r.NotAfter });
            e.Property(r => r.KeyLabel).HasMaxLength(64);
            e.Property(r => r.Serial).HasMaxLength(40);
            e.HasOne<AuthorityEntity>().WithMany().HasForeignKey(r => r.AuthorityId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<TsaSignerEntity>(e =>
        {
            e.ToTable("tsa_signers");
            e.HasIndex(t => new { t.AuthorityId, t.NotAfter });
            e.Property(t => t.KeyLabel).HasMaxLength(64);
            e.Property(t => t.Serial).HasMaxLength(40);
        });
        modelBuilder.Entity<ServiceKeyEntity>(e =>
        {
            e.ToTable("service_keys");
            e.HasIndex(k => k.KeyLabel).IsUnique();
            e.HasIndex(k => k.Owner);
            e.Property(k => k.KeyLabel).HasMaxLength(64);
            e.Property(k => k.Owner).HasMaxLength(512);
            e.Property(k => k.Usage).HasMaxLength(16);
            e.Property(k => k.Serial).HasMaxLength(40);
        });
        modelBuilder.Entity<TimestampRecordEntity>(e =>
        {
            e.ToTable("timestamp_records");
            // RFC 3161 §2.4.2: serialNumber unique for each token from this TSA.
            e.HasIndex(t => t.Serial).IsUnique();
            e.Property(t => t.Serial).HasMaxLength(40);
            e.Property(t => t.HashAlgorithm).HasMaxLength(64);
            e.Property(t => t.Imprint).HasMaxLength(130);
            e.Property(t => t.Policy).HasMaxLength(128);
        });
        modelBuilder.Entity<RaRequestEntity>(e =>
        {
            e.ToTable("ra_requests");
            e.HasIndex(r => new { r.Status, r.Id });
            e.HasIndex(r => r.SubmittedBy);
            e.HasIndex(r => r.TrackingCode);
            e.Property(r => r.TrackingCode).HasMaxLength(64);
            e.Property(r => r.Profile).HasMaxLength(64);
            e.Property(r => r.Serial).HasMaxLength(40);
        });
        modelBuilder.Entity<RaDecisionEntity>(e =>
        {
            e.ToTable("ra_decisions");
            // Dual control: an officer counts once per request, enforced by the database.
            e.HasIndex(d => new { d.RequestId, d.Officer }).IsUnique();
            e.HasOne<RaRequestEntity>().WithMany().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<RaAccountEntity>(e =>
        {
            e.ToTable("ra_accounts");
            e.HasIndex(a => a.Identity).IsUnique();
            e.Property(a => a.Identity).HasMaxLength(128);
            // Item 2 of the trust model: no two accounts hold equal or equivalent subjects.
            e.HasIndex(a => a.SubjectKey).IsUnique();
            e.Property(a => a.SubjectKey).HasMaxLength(64);
            e.HasIndex(a => a.StaffId);
        });
        modelBuilder.Entity<AccountCertificateEntity>(e =>
        {
            e.ToTable("account_certificates");
            // A certificate belongs to at most one account.
            e.HasIndex(b => b.CertificateId).IsUnique();
            e.HasIndex(b => b.AccountId);
            e.Property(b => b.SpkiSha256).HasMaxLength(64);
            e.HasOne<RaAccountEntity>().WithMany().HasForeignKey(b => b.AccountId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<CertificateEntity>().WithMany().HasForeignKey(b => b.CertificateId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<AuditEventEntity>(e =>
        {
            e.ToTable("audit_events");
            e.HasKey(a => a.Sequence);
            e.Property(a => a.Sequence).ValueGeneratedNever();
            e.Property(a => a.Action).HasMaxLength(64);
            e.HasIndex(a => a.Action);
            // What the CA did for an RA request, for recovering interrupted worker runs; partial, so issuance from
            // elsewhere pays nothing for it.
            e.HasIndex(a => a.Actor).HasFilter("actor LIKE 'ra:request/%'").HasDatabaseName("ix_audit_events_ra_actor");
        });
        modelBuilder.Entity<AuditHeadEntity>(e =>
        {
            e.ToTable("audit_head");
            e.Property(a => a.Id).ValueGeneratedNever();
            e.HasData(new AuditHeadEntity { Id = 1, Sequence = 0, Hash = new byte[32] });
        });

        // snake_case columns so that hand-written SQL (CRL streaming, locks) reads naturally on PostgreSQL.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }
        }
    }

    private static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
