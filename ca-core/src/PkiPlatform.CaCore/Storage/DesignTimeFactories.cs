using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PkiPlatform.CaCore.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's context; never used at run time.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCaDbContext>
{
    public SqliteCaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCaDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL context; never used at run time.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCaDbContext>
{
    public PostgresCaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCaDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
