using System.CommandLine;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Cli.Commands;

/// <summary><c>pki issue</c>: a certificate from a PKCS#10 request under a profile.</summary>
internal static class IssueCommand
{
    public static Command Create()
    {
        var profile = new Option<string>("--profile") { Description = "Certificate profile, e.g. staff-auth, server-tls", Required = true };
        var csr = new Option<FileInfo>("--csr") { Description = "PKCS#10 request, PEM or DER", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Write the certificate here (default: standard output)" };
        var format = new Option<string>("--format") { Description = "pem or der", DefaultValueFactory = _ => "pem" };
        format.AcceptOnlyFromAmong("pem", "der");
        var days = new Option<int?>("--days") { Description = "Validity in days (default and maximum: the profile's)" };
        var bypass = new Option<string?>("--bypass-ra")
        {
            Description = "Issue a profile that needs officer approvals without the RA; the reason is recorded in the audit trail with the operator",
        };

        var command = new Command("issue", "Issue a certificate from a PKCS#10 request (profiles applied for at the RA need --bypass-ra \"reason\")") { profile, csr, output, format, days, bypass };
        command.SetRun(async (result, cancellationToken) =>
        {
            var file = result.GetValue(csr)!;
            if (!file.Exists)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"CSR file {file.FullName} does not exist");
            }

            if (file.Length > CertificateRequest.MaxDerLength)
            {
                throw new PkiException(PkiPlatform.CaCore.CaErrorCodes.BadCsr, $"{file.FullName} is {file.Length} bytes; a CSR is at most {CertificateRequest.MaxDerLength}");
            }

            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            // Issue 11: profiles that go through the RA need officer approvals; the operator skips them only saying why.
            var chosen = runtime.Ca.Profiles.Get(result.GetValue(profile)!);
            var reason = result.GetValue(bypass)?.Trim();
            if (chosen.Audience != PkiPlatform.CaCore.Profiles.ProfileAudience.Platform && string.IsNullOrEmpty(reason))
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument,
                    $"profile {chosen.Name} is applied for at the RA and needs {chosen.Approvals} officer approval(s); apply at the RA portal, or add --bypass-ra \"reason\" to issue it without them (the reason and you are recorded in the audit trail)");
            }

            var request = new IssuanceRequest(await File.ReadAllBytesAsync(file.FullName, cancellationToken), chosen.Name, result.GetValue(days),
                BypassReason: chosen.Audience == PkiPlatform.CaCore.Profiles.ProfileAudience.Platform ? null : reason);
            var issued = await runtime.Ca.Issuer.IssueAsync(request, CliOptions.ActorOf(result), cancellationToken);

            var bytes = result.GetValue(format) == "der" ? issued.Der : System.Text.Encoding.ASCII.GetBytes(Pem.Encode("CERTIFICATE", issued.Der));
            if (result.GetValue(output) is { } target)
            {
                var temp = target.FullName + ".tmp";
                await File.WriteAllBytesAsync(temp, bytes, cancellationToken);
                File.Move(temp, target.FullName, overwrite: true);
                Console.WriteLine($"issued serial={issued.Serial} profile={issued.Profile} subject=\"{issued.SubjectDn}\" notAfter={issued.NotAfter:u} -> {target.FullName}");
            }
            else
            {
                await using var stdout = Console.OpenStandardOutput();
                await stdout.WriteAsync(bytes, cancellationToken);
                Console.Error.WriteLine($"issued serial={issued.Serial} profile={issued.Profile}");
            }

            return 0;
        });
        return command;
    }
}
