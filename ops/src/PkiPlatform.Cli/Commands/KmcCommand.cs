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
    public static Command Create() => new("kmc", "Key management centre: key recovery") { new Command("recovery", "Recover an archived encryption key (two key-recovery officers approve)") { Request(), Show(), Approve() } };

    private static readonly Option<FileInfo> As = new("--as") { Description = "The officer's PKCS#12 (a certificate bound to an account with the KeyRecoveryOfficer role)", Required = true };
    private static readonly Option<string?> Password = new("--password") { Description = "The PKCS#12 password (or set PKI_P12_PASSWORD)" };
    private static readonly Option<string> Reason = new("--reason") { Description = "Why: the case, the order, the lost key (recorded)", Required = true };
    private static readonly Option<string?> KmcUrl = new("--kmc-url")
    {
        Description = "The KMC host (https://HOST:8447/): the command goes through its API, the officer authenticated by the --as certificate and key at the TLS handshake and decided there; without it the command works on the KMC's database and key zone directly (on the KMC's machine)",
    };

    private static Command Request()
    {
        var serial = new Option<string>("--serial") { Description = "The encryption certificate's serial (hex)", Required = true };
        var kind = new Option<string>("--kind") { Description = "subscriber (lost USB key: to the subscriber's new signing certificate) or judicial (to an authorised requester)", Required = true };
        kind.AcceptOnlyFromAmong("subscriber", "judicial");
        var recipient = new Option<FileInfo>("--recipient") { Description = "The certificate (PEM or DER) the key is released to", Required = true };
        var command = new Command("request", "Open a recovery of the key of an encryption certificate") { serial, kind, recipient, As, Password, Reason, KmcUrl };
        command.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var recipientFile = result.GetValue(recipient)!;
            if (!recipientFile.Exists)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"recipient certificate {recipientFile.FullName} does not exist");
            }

            var der = X509CertificateLoader.LoadCertificateFromFile(recipientFile.FullName).RawData;
            var recoveryKind = result.GetValue(kind) == "judicial" ? RecoveryKind.Judicial : RecoveryKind.Subscriber;
            using var channel = await Channel.OpenAsync(runtime, result, cancellationToken);
            var id = await channel.RequestAsync(result.GetValue(serial)!, recoveryKind, der, result.GetValue(Reason)!, cancellationToken);
            Console.WriteLine($"recovery {id} opened by {channel.Officer}; it needs the approval of two other key-recovery officers: pki kmc recovery approve {id} --as OFFICER.p12 --reason \"…\" --out FILE");
            return 0;
        });
        return command;
    }

    private static Command Approve()
    {
        var id = new Argument<long>("id") { Description = "The recovery's number" };
        var output = new Option<FileInfo?>("--out") { Description = "Where the envelope is written when this approval releases the key" };
        var command = new Command("approve", "Approve a recovery; the last required approval releases the key, enveloped for the recipient") { id, As, Password, Reason, output, KmcUrl };
        command.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            using var channel = await Channel.OpenAsync(runtime, result, cancellationToken);
            // The officer sees what the approval releases, to whom, asked by whom and why; the approval names exactly that (its digest).
            var details = await channel.DescribeAsync(result.GetValue(id), cancellationToken);
            Print(details);
            var outcome = await channel.ApproveAsync(result.GetValue(id), result.GetValue(Reason)!, details.Digest, cancellationToken);

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

    private static Command Show()
    {
        var id = new Argument<long>("id") { Description = "The recovery's number" };
        var output = new Option<FileInfo?>("--out") { Description = "Where the envelope is written if the recovery was released (it opens only with the recipient's key)" };
        var command = new Command("show", "What a recovery releases, to whom, asked by whom and why, and who approved it") { id, As, Password, KmcUrl, output };
        command.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            using var channel = await Channel.OpenAsync(runtime, result, cancellationToken);
            var details = await channel.DescribeAsync(result.GetValue(id), cancellationToken);
            Print(details);
            if (result.GetValue(output) is { } file && details.Envelope is { } envelope)
            {
                await File.WriteAllBytesAsync(file.FullName, envelope.Der, cancellationToken);
                Console.WriteLine($"  envelope:  {envelope.Format} -> {file.FullName}");
            }

            return 0;
        });
        return command;
    }

    private static void Print(RecoveryDetails d) => Console.WriteLine(
        $"recovery {d.RecoveryId} ({d.Kind.ToString().ToLowerInvariant()}, {d.Status.ToString().ToLowerInvariant()}): the key of encryption certificate {d.EncryptionCertificate}\n" +
        $"  to:        {d.RecipientSubject} (serial {d.RecipientSerial}, account {d.RecipientAccount ?? "none"})\n" +
        $"  asked by:  {d.RequestedBy} at {d.RequestedAt:yyyy-MM-dd HH:mm} UTC: {d.Reason}\n" +
        $"  approved:  {(d.ApprovedBy.Count == 0 ? "nobody yet" : string.Join(", ", d.ApprovedBy))} ({d.ApprovedBy.Count} of {d.Required}); expires {d.ExpiresAt:yyyy-MM-dd HH:mm} UTC unless released\n" +
        $"  digest:    {d.Digest}");

    /// <summary>The KMC for one operator command: its own key zone, no pool, its tables up to date.</summary>
    internal static async Task<KeyManagementCentre> OpenAsync(PkiPlatform.CaCore.Hosting.PkiRuntime runtime, CancellationToken cancellationToken)
    {
        var kmc = new KeyManagementCentre(runtime.Ca.InZone(KeyZone.Kmc), new KmcOptions { PoolSizes = [], MasterKeyFile = KmcOptions.DefaultMasterKeyFile(runtime.Data) });
        await kmc.Store.MigrateAsync(cancellationToken);
        return kmc;
    }

    private static Uri? KmcUri(ParseResult result) => result.GetValue(KmcUrl) is not { Length: > 0 } text ? null
        : Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? uri
        : throw new PkiException(PkiErrorCodes.InvalidArgument, $"--kmc-url '{text}' is not an https URL; use e.g. https://kmc.example:8447/");

    /// <summary>The officer's PKCS#12: the certificate and its private key (whoever holds both is the officer).</summary>
    private static X509Certificate2 LoadOfficer(ParseResult result)
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

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"{file.FullName} holds no private key: an officer proves possession of the certificate's key");
        }

        return certificate;
    }

    /// <summary>
    /// How an officer's command reaches the KMC: through the KMC host's API (<c>--kmc-url</c>: mutual TLS with the officer's
    /// certificate, decided there), or on the KMC's machine through its database and key zone (decided here, by the
    /// account the CA bound the certificate to).
    /// </summary>
    private sealed class Channel : IDisposable
    {
        private readonly X509Certificate2 _certificate;
        private readonly HttpClient? _http;
        private readonly KeyManagementCentre? _kmc;
        private readonly PlatformCredential? _credential;
        private readonly string _authority;

        private Channel(X509Certificate2 certificate, string officer, string authority, HttpClient? http, KeyManagementCentre? kmc, PlatformCredential? credential)
        {
            (_certificate, Officer, _authority, _http, _kmc, _credential) = (certificate, officer, authority, http, kmc, credential);
        }

        /// <summary>The officer's account (or the certificate's subject when the CA bound it to none).</summary>
        public string Officer { get; }

        public static async Task<Channel> OpenAsync(PkiPlatform.CaCore.Hosting.PkiRuntime runtime, ParseResult result, CancellationToken cancellationToken)
        {
            var certificate = LoadOfficer(result);
            try
            {
                var (credential, refusal) = await runtime.Ca.Accounts.AuthenticateAsync(certificate.RawData, cancellationToken);
                var authority = runtime.Ca.Options.IssuingAuthority;
                if (KmcUri(result) is { } url)
                {
                    return new Channel(certificate, credential?.Identity ?? certificate.Subject, authority, await ClientAsync(runtime, url, certificate, cancellationToken), null, null);
                }

                var officer = credential ?? throw new PkiException(KmcErrorCodes.Forbidden, $"{result.GetValue(As)!.FullName}: {refusal}");
                return new Channel(certificate, officer.Identity, authority, null, await KmcCommand.OpenAsync(runtime, cancellationToken), officer);
            }
            catch
            {
                certificate.Dispose();
                throw;
            }
        }

        public async Task<long> RequestAsync(string serial, RecoveryKind kind, byte[] recipient, string reason, CancellationToken cancellationToken) => _http is { } http
            ? (await PostAsync<KmcRecoveryProtocol.RecoveryOpened>(http, KmcRecoveryProtocol.RecoveriesPath, new KmcRecoveryProtocol.RecoveryRequest(serial, kind, recipient, reason), cancellationToken)).RecoveryId
            : await _kmc!.RequestRecoveryAsync(_authority, SerialNumbers.Normalize(serial), kind, recipient, _credential!, reason, cancellationToken);

        public Task<RecoveryDetails> DescribeAsync(long id, CancellationToken cancellationToken) => _http is { } http
            ? GetAsync<RecoveryDetails>(http, $"{KmcRecoveryProtocol.RecoveriesPath}/{id}", cancellationToken)
            : _kmc!.DescribeRecoveryAsync(id, _credential!, cancellationToken);

        public Task<RecoveryOutcome> ApproveAsync(long id, string reason, string digest, CancellationToken cancellationToken) => _http is { } http
            ? PostAsync<RecoveryOutcome>(http, KmcRecoveryProtocol.ApprovePath(id), new KmcRecoveryProtocol.RecoveryApproval(reason, digest), cancellationToken)
            : _kmc!.ApproveRecoveryAsync(id, _credential!, reason, digest, cancellationToken);

        public void Dispose()
        {
            _http?.Dispose();
            _kmc?.Dispose();
            _certificate.Dispose();
        }
    }

    /// <summary>API mode: mutual TLS with the officer's certificate, to a server the CA's records bind to platform:kmc.</summary>
    private static async Task<HttpClient> ClientAsync(PkiPlatform.CaCore.Hosting.PkiRuntime runtime, Uri url, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        var root = await runtime.Ca.Authorities.GetAsync(PkiPlatform.CaCore.Authorities.AuthorityInitializer.RootName, cancellationToken);
        var issuing = await runtime.Ca.Authorities.GetAsync(runtime.Ca.Options.IssuingAuthority, cancellationToken);
        return PkiPlatform.CaCore.Host.RemoteKeyManagementCentre.CreateClient(runtime.Ca, url, certificate,
            X509CertificateLoader.LoadCertificate(root.Entity.CertificateDer), X509CertificateLoader.LoadCertificate(issuing.Entity.CertificateDer));
    }

    private static Task<T> GetAsync<T>(HttpClient http, string path, CancellationToken cancellationToken) =>
        SendAsync<T>(http, path, () => http.GetAsync(path.TrimStart('/'), cancellationToken), cancellationToken);

    private static Task<T> PostAsync<T>(HttpClient http, string path, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(http, path, () => http.PostAsync(path.TrimStart('/'), System.Net.Http.Json.JsonContent.Create(body, body.GetType(), options: KmcProtocol.Json), cancellationToken), cancellationToken);

    private static async Task<T> SendAsync<T>(HttpClient http, string path, Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await send();
        }
        catch (HttpRequestException ex)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"the key management centre at {http.BaseAddress} cannot be reached or is not the KMC (its certificate must be bound to {KmcProtocol.KmcAccount}): {ex.Message}", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                string? detail = null;
                try
                {
                    detail = System.Text.Json.JsonDocument.Parse(text).RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
                }
                catch (System.Text.Json.JsonException)
                {
                    // not a problem document: show the body as it came
                }

                throw new PkiException(PkiErrorCodes.InvalidArgument, $"the key management centre refused ({(int)response.StatusCode}): {detail ?? text}");
            }

            return await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<T>(response.Content, KmcProtocol.Json, cancellationToken)
                ?? throw new PkiException(PkiErrorCodes.Internal, $"the key management centre answered {path} with nothing");
        }
    }
}
