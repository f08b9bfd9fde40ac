using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki account register|list|role</c>: accounts with stable identifiers (staff:ID, system:NAME) to which roles,
/// service keys and certificates are bound. Every change is audited with the operator as actor (cli:{os user}, plus --actor).
/// </summary>
internal static class AccountCommand
{
    public static Command Create()
    {
        var identity = new Argument<string>("account") { Description = "system:NAME or staff:ID" };
        var name = new Option<string>("--name") { Description = "Display name", DefaultValueFactory = _ => "" };
        var register = new Command("register", "Register a business system (or a person) before its first certificate") { identity, name };
        register.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var account = await runtime.Ca.Accounts.RegisterAsync(result.GetValue(identity)!, result.GetValue(name)!, CliOptions.ActorOf(result), cancellationToken: cancellationToken);
            Console.WriteLine($"registered {account.Identity} ({account.Kind.ToString().ToLowerInvariant()})");
            return 0;
        });

        var list = new Command("list", "List accounts, their roles and bound certificates");
        list.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var db = runtime.Ca.Database.CreateContext();
            var accounts = await db.RaAccounts.AsNoTracking().OrderBy(a => a.Id).ToListAsync(cancellationToken);
            var bound = await db.AccountCertificates.AsNoTracking().GroupBy(b => b.AccountId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
            foreach (var a in accounts)
            {
                Console.WriteLine($"{a.Identity,-28} {a.Kind,-8} {a.Role?.ToString() ?? "-",-8} {(a.Active ? "active" : "disabled"),-8} {bound.GetValueOrDefault(a.Id),3} cert(s)  {a.SubjectDn}");
            }

            return 0;
        });

        var roleAccount = new Argument<string>("account") { Description = "staff:ID" };
        var role = new Option<string>("--role") { Description = "Officer | RaAdmin | Auditor | none", Required = true };
        var disabled = new Option<bool>("--disable") { Description = "Disable the account (its certificates stop authenticating)" };
        var roleCommand = new Command("role", "Set a staff account's RA role (operators; the portal's RA admin does the same)") { roleAccount, role, disabled };
        roleCommand.SetRun(async (result, cancellationToken) =>
        {
            var value = result.GetValue(role)!;
            RaRole? parsed = value.Equals("none", StringComparison.OrdinalIgnoreCase) ? null
                : Enum.TryParse<RaRole>(value, ignoreCase: true, out var r) ? r
                : throw new PkiException(PkiErrorCodes.InvalidArgument, $"--role must be one of {string.Join(", ", Enum.GetNames<RaRole>())} or none");
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var account = await runtime.Ca.Accounts.SetRoleAsync(result.GetValue(roleAccount)!, parsed, !result.GetValue(disabled), null, CliOptions.ActorOf(result), cancellationToken);
            Console.WriteLine($"{account.Identity}: role {account.Role?.ToString() ?? "none"}, {(account.Active ? "active" : "disabled")}");
            return 0;
        });

        return new Command("account", "Accounts that roles, service keys and certificates are bound to") { register, list, roleCommand };
    }
}
