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
            if (chosen.IsDual)
            {
                return await IssueDualAsync(runtime, request, result.GetValue(output), result.GetValue(format)!, CliOptions.ActorOf(result), cancellationToken);
            }

            var issued = await runtime.Ca.Issuer.IssueAsync(request, CliOptions.ActorOf(result), cancellationToken);

            var bytes = Encode(issued.Der, result.GetValue(format)!);
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

    private static byte[] Encode(byte[] der, string format) =>
        format == "der" ? der : System.Text.Encoding.ASCII.GetBytes(Pem.Encode("CERTIFICATE", der));

    /// <summary>
    /// Issue 13: a dual-certificate profile through the key management centre (in process, the KMC zone's keys): the
    /// signing certificate to --out, beside it STEM.encryption.pem (or .der) and STEM.envelope.der, where STEM is --out
    /// without its extension. Nothing is written unless both certificates were issued.
    /// </summary>
    private static async Task<int> IssueDualAsync(PkiPlatform.CaCore.Hosting.PkiRuntime runtime, IssuanceRequest request, FileInfo? output, string format, string actor, CancellationToken cancellationToken)
    {
        if (output is null)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"profile {request.Profile} issues two certificates and an envelope: name the signing certificate's file with --out (the others are written beside it)");
        }

        using var kmc = await KmcCommand.OpenAsync(runtime, cancellationToken);
        var dual = await runtime.Ca.Issuer.IssueDualAsync(request, kmc, "cli:issue", actor, cancellationToken: cancellationToken);
        var stem = Path.Combine(output.DirectoryName ?? ".", Path.GetFileNameWithoutExtension(output.Name));
        var encryption = $"{stem}.encryption.{(format == "der" ? "der" : "pem")}";
        var envelope = $"{stem}.envelope.der";
        foreach (var (path, bytes) in new[] { (output.FullName, Encode(dual.Signing.Der, format)), (encryption, Encode(dual.Encryption.Der, format)), (envelope, dual.Envelope.Der) })
        {
            await File.WriteAllBytesAsync(path + ".tmp", bytes, cancellationToken);
            File.Move(path + ".tmp", path, overwrite: true);
        }

        Console.WriteLine($"issued signing serial={dual.Signing.Serial} profile={dual.Signing.Profile} subject=\"{dual.Signing.SubjectDn}\" notAfter={dual.Signing.NotAfter:u} -> {output.FullName}");
        Console.WriteLine($"issued encryption serial={dual.Encryption.Serial} profile={dual.Encryption.Profile} key={dual.KeyId} (archived at the KMC) -> {encryption}");
        Console.WriteLine($"envelope {dual.Envelope.Format} for the signing key -> {envelope}");
        return 0;
    }
}
