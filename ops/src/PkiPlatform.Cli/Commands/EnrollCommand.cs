using System.CommandLine;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.X509;
using PkiPlatform.Cli.Enrolment;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Pkcs11;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki enroll</c> (issue 13): the staff member's side of a dual-certificate enrolment against the RA's applicant API.
/// Generates the signing key (on a PKCS#11 token, or SM2 in a local key file), builds and submits the CSR, waits for
/// the officers' approvals, fetches both certificates and the envelope, opens the envelope with the signing key and
/// stores the encryption key (on the token by C_UnwrapKey, or in an encrypted key file), and says what it did. An
/// interrupted enrolment resumes with <c>--tracking-code</c> and the same key.
/// </summary>
internal static class EnrollCommand
{
    public const string PinVariable = "PKI_TOKEN_PIN";
    public const string KeyPassphraseVariable = "PKI_KEY_PASSPHRASE";

    public static Command Create()
    {
        var ra = new Option<string>("--ra") { Description = "The RA portal's address, e.g. https://ra.example:8443", Required = true };
        var caFile = new Option<FileInfo?>("--ca-file") { Description = "The platform's root certificate (PEM) to trust for the RA's TLS (default: the system's trust store)" };
        var profile = new Option<string>("--profile") { Description = "A dual-certificate profile: staff-dual (token: ECDSA/RSA) or staff-sm2-dual (SM2 key file)", DefaultValueFactory = _ => "staff-dual" };
        var name = new Option<string?>("--name") { Description = "Your name as it appears in the certificate (CN)" };
        var staffId = new Option<string?>("--staff-id") { Description = "Your staff ID" };
        var organization = new Option<string?>("--organization") { Description = "Your organisation (O)" };
        var unit = new Option<string?>("--unit") { Description = "Your department (OU)" };
        var contact = new Option<string?>("--contact") { Description = "How the RA reaches you (e-mail or telephone)" };
        var module = new Option<FileInfo?>("--pkcs11-module") { Description = "The token's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so" };
        var token = new Option<string?>("--token-label") { Description = "The token's label" };
        var pinFile = new Option<FileInfo?>("--pin-file") { Description = $"A file holding the token's user PIN (or set {PinVariable})" };
        var label = new Option<string>("--label") { Description = "Object label prefix on the token: LABEL-sign and LABEL-enc", DefaultValueFactory = _ => "staff" };
        var algorithm = new Option<string>("--algorithm") { Description = "Signing-key algorithm on the token: ec-p256, ec-p384, rsa-2048 or rsa-3072", DefaultValueFactory = _ => "ec-p256" };
        var keyFile = new Option<FileInfo?>("--key-file") { Description = "SM2: the signing key file to write (encrypted PKCS#8); the encryption key goes beside it as NAME.encryption.key" };
        var passphraseFile = new Option<FileInfo?>("--key-passphrase-file") { Description = $"SM2: a file holding the key files' passphrase (or set {KeyPassphraseVariable}; at least 12 characters)" };
        var output = new Option<FileInfo>("--out") { Description = "Where the signing certificate is written (PEM); the encryption certificate and the envelope go beside it as NAME.encryption.pem and NAME.envelope.*", Required = true };
        var tracking = new Option<string?>("--tracking-code") { Description = "Resume an enrolment submitted before (the code it printed), with the same key" };
        var wait = new Option<int>("--wait") { Description = "How long to wait for the approvals, in seconds (then resume later with --tracking-code)", DefaultValueFactory = _ => 600 };
        var command = new Command("enroll", "Enrol for dual certificates: signing key on your token (or SM2 key file), encryption key from the key management centre")
        {
            ra, caFile, profile, name, staffId, organization, unit, contact, module, token, pinFile, label, algorithm, keyFile, passphraseFile, output, tracking, wait,
        };
        command.SetRun(async (result, cancellationToken) =>
        {
            var resume = result.GetValue(tracking)?.Trim();
            var report = (string line) => Console.WriteLine("pki enroll: " + line);
            using var http = Client(result.GetValue(ra)!, result.GetValue(caFile));
            if (resume is null)
            {
                CheckApplicant(result.GetValue(name), result.GetValue(organization), result.GetValue(staffId));
            }

            using var key = OpenKey(result, module, token, pinFile, label, algorithm, keyFile, passphraseFile, existing: resume is not null, report);
            if (resume is null)
            {
                var csr = Csr(key, result.GetValue(name)!, result.GetValue(organization)!, result.GetValue(unit));
                JsonElement submitted;
                try
                {
                    submitted = await SendAsync(http, HttpMethod.Post, "api/v1/applications", new
                    {
                    profile = result.GetValue(profile),
                    csr = Pem.Encode("CERTIFICATE REQUEST", csr),
                    applicantName = result.GetValue(name),
                    staffId = result.GetValue(staffId),
                    organization = result.GetValue(organization),
                    unit = result.GetValue(unit),
                    contact = result.GetValue(contact),
                    }, cancellationToken);
                }
                catch
                {
                    // Nothing half-written: a key no application refers to is removed again.
                    key.Discard();
                    report("the application was not accepted; the new signing key was removed again");
                    throw;
                }

                resume = submitted.GetProperty("trackingCode").GetString()!;
                report($"submitted application {submitted.GetProperty("id").GetInt64()} ({result.GetValue(profile)}, {submitted.GetProperty("subject").GetString()}); tracking code {resume}");
                report($"it needs {submitted.GetProperty("requiredApprovals").GetInt32()} officer approvals; the RA shows it at {new Uri(http.BaseAddress!, "Track/" + resume)}");
            }

            var application = await WaitAsync(http, resume, TimeSpan.FromSeconds(Math.Max(0, result.GetValue(wait))), TimeProvider.System, report, cancellationToken);
            if (application is null)
            {
                report($"not approved yet; run again with --tracking-code {resume} and the same key options to finish");
                return 3;
            }

            var signing = new X509CertificateParser().ReadCertificate(await BytesAsync(http, $"api/v1/applications/{resume}/certificate?format=der", cancellationToken));
            if (!signing.CertificateStructure.SubjectPublicKeyInfo.Equals(key.PublicKey))
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"the certificate of application {resume} is not for this signing key: resume with the key the application was made with");
            }

            var encryption = new X509CertificateParser().ReadCertificate(await BytesAsync(http, $"api/v1/applications/{resume}/encryption-certificate?format=der", cancellationToken));
            var envelope = await BytesAsync(http, $"api/v1/applications/{resume}/envelope", cancellationToken);
            var outFile = result.GetValue(output)!.FullName;
            var stem = Path.Combine(Path.GetDirectoryName(outFile)!, Path.GetFileNameWithoutExtension(outFile));
            var sm2 = application.Value.GetProperty("envelopeFormat").GetString() == PkiPlatform.CaCore.Issuance.EnvelopeFormats.Sm2EnvelopedKey;
            var envelopeFile = stem + (sm2 ? ".envelope.der" : ".envelope.p7m");
            IReadOnlyList<string> stored;
            try
            {
                stored = key.Store(envelope, signing, encryption);
            }
            catch (Org.BouncyCastle.Crypto.InvalidCipherTextException ex)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, "the envelope does not open with the signing key: nothing was stored; report this to the RA", ex);
            }

            await File.WriteAllTextAsync(outFile, Pem.Encode("CERTIFICATE", signing.GetEncoded()), cancellationToken);
            await File.WriteAllTextAsync(stem + ".encryption.pem", Pem.Encode("CERTIFICATE", encryption.GetEncoded()), cancellationToken);
            await File.WriteAllBytesAsync(envelopeFile, envelope, cancellationToken);
            foreach (var line in stored)
            {
                report(line);
            }

            report($"signing certificate {Hex(signing)} -> {outFile}");
            report($"encryption certificate {Hex(encryption)} -> {stem}.encryption.pem; envelope -> {envelopeFile}");
            return 0;
        });
        return command;
    }

    private static IEnrolmentKey OpenKey(ParseResult result, Option<FileInfo?> module, Option<string?> token, Option<FileInfo?> pinFile, Option<string> label,
        Option<string> algorithm, Option<FileInfo?> keyFile, Option<FileInfo?> passphraseFile, bool existing, Action<string> report)
    {
        var file = result.GetValue(keyFile);
        var moduleFile = result.GetValue(module);
        if ((file is null) == (moduleFile is null))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "say where the signing key lives: --pkcs11-module and --token-label (a USB key; ECDSA or RSA), or --key-file (SM2), not both");
        }

        if (file is not null)
        {
            var passphrase = Secret(result.GetValue(passphraseFile), KeyPassphraseVariable, "--key-passphrase-file", "key-file passphrase");
            if (passphrase.Length < 12)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, "the key-file passphrase must have at least 12 characters");
            }

            return FileEnrolmentKey.Open(file.FullName, passphrase, existing, report);
        }

        var tokenLabel = result.GetValue(token) ?? throw new PkiException(PkiErrorCodes.InvalidArgument, "--token-label is required with --pkcs11-module");
        var pin = Secret(result.GetValue(pinFile), PinVariable, "--pin-file", "token PIN");
        if (!KeyAlgorithmNames.TryParse(result.GetValue(algorithm), out var parsed))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"--algorithm {result.GetValue(algorithm)} is not known: ec-p256, ec-p384, rsa-2048 or rsa-3072");
        }

        return TokenEnrolmentKey.Open(new Pkcs11KeyStoreOptions { ModulePath = moduleFile!.FullName, TokenLabel = tokenLabel, Pin = pin }, result.GetValue(label)!, parsed.Value, existing, report);
    }

    private static string Secret(FileInfo? file, string variable, string option, string what)
    {
        if (file is not null)
        {
            return file.Exists ? File.ReadAllText(file.FullName).TrimEnd('\r', '\n')
                : throw new PkiException(PkiErrorCodes.InvalidArgument, $"{option} {file.FullName} does not exist");
        }

        return Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value
            : throw new PkiException(PkiErrorCodes.InvalidArgument, $"no {what}: pass {option} FILE or set {variable}");
    }

    /// <summary>The request the RA checks against the profile: the name fields of the application, signed by the new key.</summary>
    private static void CheckApplicant(string? name, string? organization, string? staffId)
    {
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(organization) || string.IsNullOrWhiteSpace(staffId))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "--name, --staff-id and --organization are required for a new application (or resume one with --tracking-code)");
        }
    }

    private static byte[] Csr(IEnrolmentKey key, string name, string organization, string? unit)
    {
        var oids = new List<Org.BouncyCastle.Asn1.DerObjectIdentifier> { X509Name.CN };
        var values = new List<string> { name.Trim() };
        if (!string.IsNullOrWhiteSpace(unit))
        {
            oids.Add(X509Name.OU);
            values.Add(unit.Trim());
        }

        oids.Add(X509Name.O);
        values.Add(organization.Trim());
        var subject = new X509Name(oids, values);
        var publicKey = Org.BouncyCastle.Security.PublicKeyFactory.CreateKey(key.PublicKey);
        return new Pkcs10CertificationRequest(key.CsrSigner, subject, publicKey, null).GetDerEncoded();
    }

    private static HttpClient Client(string address, FileInfo? caFile)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var ra) || ra.Scheme != Uri.UriSchemeHttps)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"--ra {address} must be an https address such as https://ra.example:8443: the application and the envelope travel over TLS only");
        }

        var handler = new HttpClientHandler();
        if (caFile is not null)
        {
            if (!caFile.Exists)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"--ca-file {caFile.FullName} does not exist");
            }

            var root = X509CertificateLoader.LoadCertificateFromFile(caFile.FullName);
            handler.ServerCertificateCustomValidationCallback = (_, certificate, chain, errors) =>
            {
                if (certificate is null || chain is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                {
                    return false;
                }

                // Only the given root anchors the RA's certificate (the intermediates come from the TLS handshake).
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Clear();
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            };
        }

        var baseAddress = ra.AbsoluteUri.EndsWith('/') ? ra : new Uri(ra.AbsoluteUri + "/");

        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    private static async Task<JsonElement?> WaitAsync(HttpClient http, string code, TimeSpan wait, TimeProvider clock, Action<string> report, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + wait;
        var last = "";
        while (true)
        {
            var view = await SendAsync(http, HttpMethod.Get, $"api/v1/applications/{Uri.EscapeDataString(code)}", null, cancellationToken);
            var status = view.GetProperty("status").GetString()!;
            if (status != last)
            {
                report($"status {status} ({view.GetProperty("approvals").GetInt32()} of {view.GetProperty("requiredApprovals").GetInt32()} approvals)");
                last = status;
            }

            switch (status)
            {
                case "Done":
                    return view;
                case "Rejected" or "Failed":
                    throw new PkiException(PkiErrorCodes.InvalidArgument, $"the application was {status.ToLowerInvariant()}: {view.GetProperty("outcome").GetString()}");
            }

            if (clock.GetUtcNow() >= deadline)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), clock, cancellationToken);
        }
    }

    private static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Send(http, request, cancellationToken);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
    }

    private static async Task<byte[]> BytesAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await Send(http, request, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"cannot reach the RA at {http.BaseAddress}: {ex.Message} (is the address right, and --ca-file the platform's root?)", ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            string detail;
            try
            {
                var problem = JsonDocument.Parse(text).RootElement;
                detail = problem.TryGetProperty("detail", out var d) ? d.GetString() ?? text : text;
            }
            catch (JsonException)
            {
                detail = text.Length > 300 ? text[..300] : text;
            }

            throw new PkiException(PkiErrorCodes.InvalidArgument, $"the RA refused ({(int)response.StatusCode}): {detail}");
        }
    }

    private static string Hex(Org.BouncyCastle.X509.X509Certificate certificate) => PkiPlatform.CaCore.Issuance.SerialNumbers.ToHex(certificate.SerialNumber.ToByteArrayUnsigned());
}
