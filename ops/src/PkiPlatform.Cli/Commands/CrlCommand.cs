using System.CommandLine;

namespace PkiPlatform.Cli.Commands;

/// <summary><c>pki crl</c>: publish a full (or delta) CRL for every CA.</summary>
internal static class CrlCommand
{
    public static Command Create()
    {
        var delta = new Option<bool>("--delta") { Description = "Publish delta CRLs against the latest full CRLs" };
        var command = new Command("crl", "Publish CRLs for every CA (files in the data directory's publish/crl)") { delta };
        command.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            foreach (var crl in await runtime.Ca.Crls.PublishAllAsync(result.GetValue(delta), CliOptions.ActorOf(result), cancellationToken))
            {
                var kind = crl.BaseNumber is { } b ? $"delta (base {b})" : "full";
                Console.WriteLine($"{crl.Authority}: {kind} CRL #{crl.Number}, {crl.EntryCount} entries, nextUpdate {crl.NextUpdate:u} -> {crl.Path}");
            }

            return 0;
        });
        return command;
    }
}
