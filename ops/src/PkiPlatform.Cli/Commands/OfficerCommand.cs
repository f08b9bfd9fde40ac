using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki officer add|list|disable</c> (issue 11): the operator enrols RA staff — a staff account with its stable
/// identifier, a staff-auth login credential (PKCS#12, password printed once) and the role bound to the account, each
/// step audited with the operator as actor. Adding an existing account issues it a new credential (a lost password).
/// </summary>
internal static class OfficerCommand
{
    public static Command Create()
    {
        var staffId = new Option<string>("--staff-id") { Description = "Staff ID (the account is staff:ID)", Required = true };
        var name = new Option<string>("--name") { Description = "The person's name, as it goes into the certificate's CN", Required = true };
        var role = new Option<string>("--role") { Description = "Officer (default), RaAdmin, Auditor or KeyRecoveryOfficer (approves key recoveries at the KMC)", DefaultValueFactory = _ => nameof(RaRole.Officer) };
        role.AcceptOnlyFromAmong(Enum.GetNames<RaRole>());
        var organization = new Option<string>("--organization") { Description = "O of the certificate's subject", DefaultValueFactory = _ => "HRSS PKI" };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the PKCS#12 credential (default DATA/credentials/ID.p12)" };
        var days = new Option<int?>("--days") { Description = "Validity of the login certificate in days (default: the staff-auth profile's)" };
        var add = new Command("add", "Enrol an RA officer, admin or auditor: account, login credential, role") { staffId, name, role, organization, output, days };
        add.SetRun(async (result, cancellationToken) =>
        {
            var identity = AccountIdentity.Staff(result.GetValue(staffId)!);
            var displayName = result.GetValue(name)!.Trim();
            var parsedRole = Enum.Parse<RaRole>(result.GetValue(role)!);
            var subject = new X509Name([X509Name.CN, X509Name.O], new Dictionary<Org.BouncyCastle.Asn1.DerObjectIdentifier, string>
            {
                [X509Name.CN] = displayName,
                [X509Name.O] = result.GetValue(organization)!.Trim(),
            });
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var actor = CliOptions.ActorOf(result);
            var existing = await runtime.Ca.Accounts.FindAsync(identity, cancellationToken);
            if (existing is null)
            {
                await runtime.Ca.Accounts.RegisterAsync(identity, displayName, actor, subject, cancellationToken);
            }
            else if (existing.Kind != AccountKind.Person)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"{identity} is not a staff account");
            }

            var target = result.GetValue(output)?.FullName ?? runtime.Data.Combine("credentials", identity["staff:".Length..] + ".p12");
            if (File.Exists(target))
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"{target} exists; move it away or name another file with --out");
            }

            var password = RaBootstrap.NewPassword();
            var pkcs12 = await RaBootstrap.IssuePkcs12Async(runtime.Ca, "staff-auth", subject.ToString(), [], password, actor,
                new AccountBinding(identity, displayName) { Renewal = true }, cancellationToken,
                bypassReason: $"pki officer add: login credential for {identity} ({parsedRole}) issued by the operator", validityDays: result.GetValue(days));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            CaCore.Hosting.DataDirectory.WriteOwnerOnly(target, pkcs12);
            var account = await runtime.Ca.Accounts.SetRoleAsync(identity, parsedRole, true, displayName, actor, cancellationToken);
            Console.WriteLine($"{account.Identity}: role {account.Role}, credential {target}   password: {password}   (shown once; import it into the USB key or browser)");
            return 0;
        });

        var list = new Command("list", "List staff accounts holding an RA role");
        list.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var db = runtime.Ca.Database.CreateContext();
            var staff = await db.RaAccounts.AsNoTracking().Where(a => a.Role != null).OrderBy(a => a.Identity).ToListAsync(cancellationToken);
            var bound = await db.AccountCertificates.AsNoTracking().GroupBy(b => b.AccountId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
            foreach (var a in staff)
            {
                Console.WriteLine($"{a.Identity,-24} {a.Role,-8} {(a.Active ? "active" : "disabled"),-8} {bound.GetValueOrDefault(a.Id),3} cert(s)  {a.DisplayName}");
            }

            if (staff.Count(a => a.Active && a.Role == RaRole.Officer) < 2)
            {
                Console.Error.WriteLine("note: fewer than two active officers; staff profiles need two approvals (pki officer add --staff-id ID --name NAME)");
            }

            return 0;
        });

        var disableId = new Argument<string>("staff-id") { Description = "Staff ID or staff:ID" };
        var disable = new Command("disable", "Disable a staff account: its certificates stop logging in at once (the role is kept for the record)") { disableId };
        disable.SetRun(async (result, cancellationToken) =>
        {
            var value = result.GetValue(disableId)!;
            var identity = value.StartsWith("staff:", StringComparison.Ordinal) ? AccountIdentity.Parse(value) : AccountIdentity.Staff(value);
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var existing = await runtime.Ca.Accounts.FindAsync(identity, cancellationToken)
                ?? throw new PkiException(PkiPlatform.CaCore.CaErrorCodes.UnknownAccount, $"no account {identity}; pki officer list shows them");
            var account = await runtime.Ca.Accounts.SetRoleAsync(identity, existing.Role, false, null, CliOptions.ActorOf(result), cancellationToken);
            Console.WriteLine($"{account.Identity}: disabled (role {account.Role?.ToString() ?? "none"})");
            return 0;
        });

        return new Command("officer", "RA staff: enrol officers, RA admins and auditors with a login credential, list, disable") { add, list, disable };
    }
}
