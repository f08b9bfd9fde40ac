using Microsoft.EntityFrameworkCore;

namespace PkiPlatform.CaCore.Storage;

/// <summary>PostgreSQL, for every real deployment.</summary>
public sealed class PostgresCaDbContext(DbContextOptions<PostgresCaDbContext> options) : CaDbContext(options)
{
    public override bool IsPostgres => true;
}
