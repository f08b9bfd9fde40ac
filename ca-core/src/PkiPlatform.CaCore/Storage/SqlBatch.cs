using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace PkiPlatform.CaCore.Storage;

/// <summary>
/// Multi-row statements for the issuance hot path, where EF Core's per-entity tracking and
/// per-row statements cost more CPU than signing. Plain SQL that PostgreSQL and SQLite (3.33+, for
/// UPDATE … FROM) both accept; runs inside the context's current transaction, if any.
/// </summary>
internal static class SqlBatch
{
    /// <summary>Rows per statement: keeps SQLite under its 32,766 bound parameters at 8 columns.</summary>
    public const int MaxRows = 2000;

    /// <returns>The number of rows the statement affected.</returns>
    public static async Task<int> ExecuteAsync(CaDbContext db, string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            for (var i = 0; i < parameters.Count; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@p" + i;
                parameter.Value = parameters[i] ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }

            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>"(@p0, @p1, …), (@pN, …)" for <paramref name="rows"/> rows of <paramref name="columns"/> values.</summary>
    public static string Values(int rows, int columns)
    {
        var builder = new StringBuilder(rows * columns * 6);
        var index = 0;
        for (var row = 0; row < rows; row++)
        {
            builder.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < columns; column++)
            {
                builder.Append(column == 0 ? "@p" : ", @p").Append(index++);
            }

            builder.Append(')');
        }

        return builder.ToString();
    }
}
