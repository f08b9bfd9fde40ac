using System.CommandLine;
using PkiPlatform.Cli;
using PkiPlatform.Cli.Commands;

var root = new RootCommand("pki — the PkiPlatform CA: initialise, issue, revoke, publish CRLs, audit, benchmark")
{
    InitCommand.Create(),
    IssueCommand.Create(),
    RevokeCommand.Create(),
    RevokeCommand.CreateRelease(),
    CrlCommand.Create(),
    ListCommand.Create(),
    ShowCommand.Create(),
    AuditCommand.Create(),
    KeyCommand.Create(),
    ServiceKeyCommand.Create(),
    AccountCommand.Create(),
    OfficerCommand.Create(),
    OidcCommand.Create(),
    KmcCommand.Create(),
    EnrollCommand.Create(),
    DbCommand.Create(),
    UpCommand.Create(),
    BenchCommand.Create(),
};
root.Options.Add(CliOptions.Data);
root.Options.Add(CliOptions.PassphraseFile);
root.Options.Add(CliOptions.Actor);
var parsed = root.Parse(args);
// Issue 11: a mistyped command or option is one "pki: error:" line with a suggestion and exit 2, never the help with exit 0.
return parsed.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?")
    ? ParseErrors.Report(parsed)
    : await parsed.InvokeAsync();
