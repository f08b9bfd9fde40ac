using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Audit;

namespace PkiPlatform.Cli.Commands;

/// <summary><c>pki audit verify</c> and <c>pki audit list</c>.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var verify = new Command("verify", "Check the hash chain of the audit trail; exit 1 at the first broken link");
        verify.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var db = runtime.Ca.Database.CreateContext();
            var verification = await AuditTrail.VerifyAsync(db, cancellationToken);
            (verification.IsIntact ? Console.Out : Console.Error).WriteLine(verification.Message);
            return verification.IsIntact ? 0 : 1;
        });

        var limit = new Option<int>("--limit") { Description = "Newest N events", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "Print the newest audit events") { limit };
        list.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var db = runtime.Ca.Database.CreateContext();
            var events = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence).Take(Math.Clamp(result.GetValue(limit), 1, 10_000)).ToListAsync(cancellationToken);
            foreach (var e in events)
            {
                Console.WriteLine($"{e.Sequence,8} {e.Timestamp:yyyy-MM-dd HH:mm:ss} {e.Actor,-10} {e.Action,-22} {e.Target} {e.Details}");
            }

            return 0;
        });

        return new Command("audit", "The hash-chained audit trail") { verify, list };
    }
}
