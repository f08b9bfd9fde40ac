using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Cli.Commands;

/// <summary><c>pki list</c>: issued certificates, newest first.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var status = new Option<string>("--status") { Description = "all, issued, revoked, hold", DefaultValueFactory = _ => "all" };
        status.AcceptOnlyFromAmong("all", "issued", "revoked", "hold");
        var profile = new Option<string?>("--profile") { Description = "Only this profile" };
        var limit = new Option<int>("--limit") { Description = "At most this many rows", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List issued certificates") { status, profile, limit };
        command.SetRun(async (result, cancellationToken) =>
        {
            if (result.GetValue(limit) is < 1 or > 100_000)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, "--limit must be 1..100000");
            }

            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var db = runtime.Ca.Database.CreateContext();
            var query = db.Certificates.AsNoTracking().Where(c => c.Status != CertificateStatus.Intent);
            query = result.GetValue(status) switch
            {
                "issued" => query.Where(c => c.Status == CertificateStatus.Issued),
                "revoked" => query.Where(c => c.Status == CertificateStatus.Revoked),
                "hold" => query.Where(c => c.Status == CertificateStatus.OnHold),
                _ => query,
            };
            if (result.GetValue(profile) is { } p)
            {
                query = query.Where(c => c.Profile == p);
            }

            var rows = await query.OrderByDescending(c => c.Id).Take(result.GetValue(limit))
                .Select(c => new { c.Serial, c.Status, c.Profile, c.NotAfter, c.SubjectDn }).ToListAsync(cancellationToken);
            Console.WriteLine($"{"SERIAL",-34} {"STATUS",-8} {"PROFILE",-17} {"NOT AFTER",-20} SUBJECT");
            foreach (var row in rows)
            {
                Console.WriteLine($"{row.Serial,-34} {StatusName(row.Status),-8} {row.Profile,-17} {row.NotAfter,-20:yyyy-MM-dd HH:mm:ss} {row.SubjectDn}");
            }

            return 0;
        });
        return command;
    }

    public static string StatusName(CertificateStatus status) => status switch
    {
        CertificateStatus.Issued => "valid",
        CertificateStatus.Revoked => "revoked",
        CertificateStatus.OnHold => "hold",
        _ => "intent",
    };
}
