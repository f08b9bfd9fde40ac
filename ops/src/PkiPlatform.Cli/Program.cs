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
    DbCommand.Create(),
    UpCommand.Create(),
    BenchCommand.Create(),
};
root.Options.Add(CliOptions.Data);
root.Options.Add(CliOptions.PassphraseFile);
root.Options.Add(CliOptions.Actor);
return await root.Parse(args).InvokeAsync();
