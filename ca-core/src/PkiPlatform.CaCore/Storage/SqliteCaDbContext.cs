using Microsoft.EntityFrameworkCore;

namespace PkiPlatform.CaCore.Storage;

/// <summary>The embedded default: a SQLite file in the data directory.</summary>
public sealed class SqliteCaDbContext(DbContextOptions<SqliteCaDbContext> options) : CaDbContext(options)
{
    public override bool IsPostgres => false;
}
