using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace PkiPlatform.CaCore.Storage;

/// <summary>What a database refusal means, for the two providers the platform runs on.</summary>
public static class DatabaseErrors
{
    /// <summary>
    /// Whether the unique index that refused the write is on a subject (the accounts' subject key): PostgreSQL names the
    /// index (IX_ra_accounts_subject_key), SQLite the column (ra_accounts.subject_key).
    /// </summary>
    public static bool IsSubjectCollision(DbUpdateException exception) => exception?.InnerException switch
    {
        PostgresException postgres => postgres.ConstraintName?.Contains("subject_key", StringComparison.OrdinalIgnoreCase) == true,
        SqliteException sqlite => sqlite.Message.Contains("subject_key", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>A unique index refused the write (PostgreSQL 23505; SQLite SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception?.InnerException switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };
}
