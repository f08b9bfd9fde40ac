using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Audit;

namespace PkiPlatform.Cli.Commands;

/// <summary><c>pki audit verify</c> and <c>pki audit list</c>.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var checkpointFile = new Option<string?>("--checkpoint") { Description = "A signed checkpoint file to check the chain against (default: the latest in DATA/publish/audit)" };
        var verify = new Command("verify", "Check the hash chain of the audit trail and that it still holds the latest signed checkpoint; exit 1 at the first broken link") { checkpointFile };
        verify.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var db = runtime.Ca.Database.CreateContext();
            var verification = await AuditTrail.VerifyAsync(db, cancellationToken);
            (verification.IsIntact ? Console.Out : Console.Error).WriteLine(verification.Message);
            if (!verification.IsIntact)
            {
                return 1;
            }

            var file = result.GetValue(checkpointFile) ?? Path.Combine(CheckpointDirectory(runtime.Data), AuditCheckpoints.LatestFile);
            if (!File.Exists(file))
            {
                if (result.GetValue(checkpointFile) is not null)
                {
                    throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.InvalidArgument, $"checkpoint file {file} does not exist");
                }

                Console.WriteLine("no signed checkpoint found (pki up writes them to publish/audit; pki audit checkpoint writes one): truncation of the tail cannot be ruled out");
                return 0;
            }

            var text = await File.ReadAllBytesAsync(file, cancellationToken);
            var checkpoint = AuditCheckpoint.Parse(System.Text.Encoding.UTF8.GetString(text), file);
            if (await runtime.Ca.AuditCheckpoints.CheckAsync(checkpoint, cancellationToken) is { } problem)
            {
                Console.Error.WriteLine($"audit trail contradicts checkpoint {file}: {problem}");
                return 1;
            }

            var tokenFile = AuditCheckpoints.TokenPath(file);
            if (File.Exists(tokenFile) && await runtime.Ca.AuditCheckpoints.CheckTokenAsync(text, await File.ReadAllBytesAsync(tokenFile, cancellationToken), cancellationToken) is { } tokenProblem)
            {
                Console.Error.WriteLine($"checkpoint {file}: {tokenProblem}");
                return 1;
            }

            Console.WriteLine($"audit trail holds checkpoint {file} (event {checkpoint.Sequence}, signed {checkpoint.Time:yyyy-MM-dd HH:mm:ss} UTC, "
                + (File.Exists(tokenFile) ? $"time-stamped by the platform's TSA: {tokenFile})" : "not time-stamped: pki up stamps the checkpoints it writes)"));
            return 0;
        });

        var checkpointCommand = new Command("checkpoint", "Sign the audit chain's head with the audit key and write it to DATA/publish/audit (not time-stamped; pki up stamps its own)");
        checkpointCommand.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var (checkpoint, path) = await runtime.Ca.AuditCheckpoints.WriteAsync(CheckpointDirectory(runtime.Data), CliOptions.ActorOf(result), cancellationToken: cancellationToken);
            Console.WriteLine($"checkpoint of event {checkpoint.Sequence} written to {path}");
            return 0;
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

        return new Command("audit", "The hash-chained audit trail") { verify, list, checkpointCommand };
    }

    public static string CheckpointDirectory(CaCore.Hosting.DataDirectory data) => data.Combine("publish", "audit");
}
