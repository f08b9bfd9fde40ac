using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.KeyStore;
using PkiPlatform.Kmc;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki kmc recovery request|approve</c> (issue 13, GM/T 0034 §12.4–12.5): a key-recovery officer, authenticated by
/// the PKCS#12 of a certificate bound to an account holding the KeyRecoveryOfficer role, opens a recovery; two other
/// such officers approve; the last approval writes the envelope for the recipient certificate.
/// </summary>
internal static class KmcCommand
{
    public static Command Create() => new("kmc", "Key management centre: key recovery") { new Command("recovery", "Recover an archived encryption key (two key-recovery officers approve)") { Request(), Approve() } };

    private static readonly Option<FileInfo> As = new("--as") { Description = "The officer's PKCS#12 (a certificate bound to an account with the KeyRecoveryOfficer role)", Required = true };
    private static readonly Option<string?> Password = new("--password") { Description = "The PKCS#12 password (or set PKI_P12_PASSWORD)" };
    private static readonly Option<string> Reason = new("--reason") { Description = "Why: the case, the order, the lost key (recorded)", Required = true };

    private static Command Request()
    {
        var serial = new Option<string>("--serial") { Description = "The encryption certificate's serial (hex)", Required = true };
        var kind = new Option<string>("--kind") { Description = "subscriber (lost USB key: to the subscriber's new signing certificate) or judicial (to an authorised requester)", Required = true };
        kind.AcceptOnlyFromAmong("subscriber", "judicial");
        var recipient = new Option<FileInfo>("--recipient") { Description = "The certificate (PEM or DER) the key is released to", Required = true };
        var command = new Command("request", "Open a recovery of the key of an encryption certificate") { serial, kind, recipient, As, Password, Reason };
        command.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            using var kmc = await OpenAsync(runtime, cancellationToken);
            var officer = await AuthenticateAsync(runtime, result, cancellationToken);
            var recipientFile = result.GetValue(recipient)!;
            if (!recipientFile.Exists)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"recipient certificate {recipientFile.FullName} does not exist");
            }

            var der = X509CertificateLoader.LoadCertificateFromFile(recipientFile.FullName).RawData;
            var id = await kmc.RequestRecoveryAsync(runtime.Ca.Options.IssuingAuthority, result.GetValue(serial)!.Trim().ToUpperInvariant(),
                result.GetValue(kind) == "judicial" ? RecoveryKind.Judicial : RecoveryKind.Subscriber, der, officer, result.GetValue(Reason)!, cancellationToken);
            Console.WriteLine($"recovery {id} opened by {officer.Identity}; it needs the approval of two other key-recovery officers: pki kmc recovery approve {id} --as OFFICER.p12 --reason \"…\" --out FILE");
            return 0;
        });
        return command;
    }

    private static Command Approve()
    {
        var id = new Argument<long>("id") { Description = "The recovery's number" };
        var output = new Option<FileInfo?>("--out") { Description = "Where the envelope is written when this approval releases the key" };
        var command = new Command("approve", "Approve a recovery; the last required approval releases the key, enveloped for the recipient") { id, As, Password, Reason, output };
        command.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            using var kmc = await OpenAsync(runtime, cancellationToken);
            var officer = await AuthenticateAsync(runtime, result, cancellationToken);
            var outcome = await kmc.ApproveRecoveryAsync(result.GetValue(id), officer, result.GetValue(Reason)!, cancellationToken);
            if (outcome.Envelope is not { } envelope)
            {
                Console.WriteLine($"recovery {outcome.RecoveryId}: approval {outcome.Approvals} of {outcome.Required} recorded; nothing released yet");
                return 0;
            }

            var target = result.GetValue(output)?.FullName ?? Path.GetFullPath($"recovery-{outcome.RecoveryId}.envelope.der");
            await File.WriteAllBytesAsync(target, envelope.Der, cancellationToken);
            Console.WriteLine($"recovery {outcome.RecoveryId}: approval {outcome.Approvals} of {outcome.Required}; key released as {envelope.Format} for the recipient certificate -> {target}");
            return 0;
        });
        return command;
    }

    /// <summary>The KMC for one operator command: its own key zone, no pool, its tables up to date.</summary>
    internal static async Task<KeyManagementCentre> OpenAsync(PkiPlatform.CaCore.Hosting.PkiRuntime runtime, CancellationToken cancellationToken)
    {
        var kmc = new KeyManagementCentre(runtime.Ca.InZone(KeyZone.Kmc), new KmcOptions { PoolSizes = [], MasterKeyFile = KmcOptions.DefaultMasterKeyFile(runtime.Data) });
        await kmc.Store.MigrateAsync(cancellationToken);
        return kmc;
    }

    /// <summary>The officer is whoever holds the PKCS#12 (certificate and its private key), decided by the account the CA bound the certificate to.</summary>
    private static async Task<PlatformCredential> AuthenticateAsync(PkiPlatform.CaCore.Hosting.PkiRuntime runtime, ParseResult result, CancellationToken cancellationToken)
    {
        var file = result.GetValue(As)!;
        if (!file.Exists)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"{file.FullName} does not exist");
        }

        var password = result.GetValue(Password) ?? Environment.GetEnvironmentVariable("PKI_P12_PASSWORD") ?? "";
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(file.FullName, password);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"{file.FullName} does not open with that password ({ex.Message})", ex);
        }

        using (certificate)
        {
            if (!certificate.HasPrivateKey)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"{file.FullName} holds no private key: an officer proves possession of the certificate's key");
            }

            var (credential, refusal) = await runtime.Ca.Accounts.AuthenticateAsync(certificate.RawData, cancellationToken);
            return credential ?? throw new PkiException(KmcErrorCodes.Forbidden, $"{file.FullName}: {refusal}");
        }
    }
}
