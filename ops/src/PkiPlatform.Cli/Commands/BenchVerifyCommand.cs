using PkiPlatform.ServiceDefaults;
using System.CommandLine;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore.Configuration;
using PkiPlatform.KeyStore;
using PkiPlatform.OcspResponder;
using PkiPlatform.OcspResponder.Host;
using PkiPlatform.TokenService;
using PkiPlatform.TokenService.Cms;
using PkiPlatform.TokenService.Host;
using PkiPlatform.TokenService.Validation;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki bench verify</c>: CMS SignedData verifications per second through the token service's verifier —
/// signature, ESS binding, path validation to the root, and status of every certificate in the path from
/// a real OCSP responder (leaf) and CRL distribution (CA) on 127.0.0.1, cached after the first look-up as
/// the service caches them until nextUpdate.
/// </summary>
internal static class BenchVerifyCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Verifications (after warm-up)", DefaultValueFactory = _ => 50_000 };
        var algorithm = new Option<string>("--algorithm") { Description = "Key type of CAs and signers", DefaultValueFactory = _ => "ec-p256" };
        var signers = new Option<int>("--signers") { Description = "Distinct signer keys (each its own certificate and OCSP entry)", DefaultValueFactory = _ => 8 };
        var size = new Option<int>("--size") { Description = "Content bytes per SignedData", DefaultValueFactory = _ => 4096 };
        var workers = new Option<int>("--workers") { Description = "Concurrent verifiers (with --http: concurrent requests)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var overHttpOption = new Option<bool>("--http") { Description = "Through POST /api/v1/token/verify over HTTPS with a client certificate (JSON, base64), client in the same process" };
        var authCache = new Option<int>("--auth-cache") { Description = "With --http: seconds a client-certificate authentication is reused (0: checked on every request)", DefaultValueFactory = _ => 0 };
        var command = new Command("verify", "CMS signature verification with path validation and cached OCSP status") { count, algorithm, signers, size, workers, overHttpOption, authCache };
        command.SetRun(async (result, cancellationToken) =>
        {
            var key = KeyAlgorithmNames.Parse(result.GetValue(algorithm)!);
            var port = FreePort();

            var url = $"http://127.0.0.1:{port}";
            await using var bench = await BenchPki.CreateAsync(key, null, cancellationToken, new CaOptions { OcspUrl = url + "/ocsp", CrlBaseUrl = url + "/crl", CaIssuersBaseUrl = url + "/ca" });
            await bench.Ca.Crls.PublishAllAsync(false, "bench", cancellationToken);
            var overHttp = result.GetValue(overHttpOption);
            var apiPort = overHttp ? FreePort() : 0;
            var builder = WebApplication.CreateBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddOcspResponder(bench.Ca, new OcspResponderOptions());
            System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null;
            System.Security.Cryptography.X509Certificates.X509Certificate2? rootCertificate = null;
            if (overHttp)
            {
                // The token API as pki up serves it: HTTPS, client certificates checked against the platform's root and records.
                var server = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
                    await RaBootstrap.IssuePkcs12Async(bench.Ca, "platform-tls", "CN=localhost,O=HRSS", ["localhost"], "bench", "bench",
                        new CaCore.Issuance.AccountBinding(CaCore.Accounts.AccountIdentity.Platform("bench-tls")), cancellationToken), "bench");
                clientCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
                    await RaBootstrap.IssuePkcs12Async(bench.Ca, "business-system", "CN=Bench Client,O=HRSS", [], "bench", "bench",
                        await BenchSystemAsync(bench.Ca, cancellationToken), cancellationToken), "bench");
                builder.WebHost.ConfigureKestrel(kestrel =>
                {
                    kestrel.Listen(System.Net.IPAddress.Loopback, port);
                    kestrel.Listen(System.Net.IPAddress.Loopback, apiPort, listen => listen.UseHttps(https =>
                    {
                        https.ServerCertificate = server;
                        PkiPlatform.ServiceDefaults.PlatformClientCertificates.AcceptAtTls(https);
                    }));
                });
                var cas = await bench.Ca.Authorities.AllAsync(cancellationToken);
                rootCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(cas.First(a => a.Entity.ParentId is null).Entity.CertificateDer);
                builder.Services.AddTokenService(bench.Ca, new TsaOptions());
                builder.Services.AddPlatformClientCertificates(bench.Ca, rootCertificate,
                    System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(cas.First(a => a.Entity.ParentId is not null).Entity.CertificateDer),
                    result.GetValue(authCache));
            }
            else
            {
                builder.WebHost.UseUrls(url);
            }

            await using var app = builder.Build();
            await app.Services.InitializeOcspResponderAsync(cancellationToken);
            if (overHttp)
            {
                await app.Services.InitializeTokenServiceAsync(cancellationToken);
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapTokenService();
            }

            app.MapOcspResponder();
            await app.StartAsync(cancellationToken);

            // Service keys belong to a registered business-system account (trust model item 3), not to a name.
            var owner = CaCore.Accounts.AccountIdentity.System("bench-signer");
            await bench.Ca.Accounts.RegisterAsync(owner, "Bench Signer System", "bench", cancellationToken: cancellationToken);
            var keys = new ServiceKeys(bench.Ca, TimeProvider.System);
            var creator = new CmsSignatureCreator(bench.Ca, keys, null, TimeProvider.System);
            var content = new byte[result.GetValue(size)];
            Random.Shared.NextBytes(content);
            var messages = new List<byte[]>();
            for (var i = 0; i < Math.Max(1, result.GetValue(signers)); i++)
            {
                var signer = await keys.CreateAsync(owner, ServiceKeyUsage.Sign, key, new X509Name($"CN=Bench Signer {i},O=HRSS"), 365, "bench", cancellationToken);
                for (var j = 0; j < 8; j++)
                {
                    content[0] = (byte)j;
                    messages.Add(await creator.SignAsync(owner, signer.KeyLabel, content, detached: false, timestamp: false, cancellationToken: cancellationToken));
                }
            }

            if (overHttp)
            {
                Console.WriteLine($"client-certificate authentication cache: {result.GetValue(authCache)} s");
                return await OverHttpAsync(messages, $"https://127.0.0.1:{apiPort}", clientCertificate!, rootCertificate!, result.GetValue(count), Math.Max(1, result.GetValue(workers)), key, content.Length, app, cancellationToken);
            }

            var parser = new X509CertificateParser();
            var authorities = await bench.Ca.Authorities.AllAsync(cancellationToken);
            using var http = new HttpClient();
            var verifier = new SignatureVerifier(
                new PathValidator(authorities.Where(a => a.Entity.ParentId is null).Select(a => parser.ReadCertificate(a.Entity.CertificateDer)).ToList(),
                    authorities.Where(a => a.Entity.ParentId is not null).Select(a => parser.ReadCertificate(a.Entity.CertificateDer)).ToList()),
                new RevocationChecker(http, TimeProvider.System), TimeProvider.System);
            foreach (var message in messages)
            {
                var warm = await verifier.VerifyAsync(message, cancellationToken: cancellationToken);
                if (!warm.Valid)
                {
                    Console.Error.WriteLine("warm-up verification failed: " + string.Join("; ", warm.Signers.SelectMany(s => s.Reasons)));
                    return 1;
                }
            }

            var total = result.GetValue(count);
            var next = -1;
            var invalid = 0;
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Math.Max(1, result.GetValue(workers))).Select(_ => Task.Run(async () =>
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) < total)
                {
                    if (!(await verifier.VerifyAsync(messages[n % messages.Count], cancellationToken: cancellationToken)).Valid)
                    {
                        Interlocked.Increment(ref invalid);
                    }
                }
            }, cancellationToken)));
            stopwatch.Stop();
            await app.StopAsync(cancellationToken);

            Console.WriteLine($"bench verify: {total} CMS SignedData verifications, {key.ToName()} signers x{result.GetValue(signers)}, {content.Length}-byte attached content, workers {result.GetValue(workers)}");
            Console.WriteLine($"  {total / stopwatch.Elapsed.TotalSeconds:F0} verifications/s ({stopwatch.Elapsed.TotalSeconds:F2} s); invalid: {invalid}; status: OCSP (leaf) + CRL (CA), cached");
            return invalid == 0 ? 0 : 1;
        });
        return command;
    }

    private static async Task<int> OverHttpAsync(List<byte[]> messages, string api, System.Security.Cryptography.X509Certificates.X509Certificate2 client,
        System.Security.Cryptography.X509Certificates.X509Certificate2 root, int total, int concurrency,
        KeyAlgorithm key, int size, WebApplication app, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                ClientCertificates = [client],
                // The bench CA's root only, as every platform client does.
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    using var build = new System.Security.Cryptography.X509Certificates.X509Chain();
                    build.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                    build.ChainPolicy.CustomTrustStore.Add(root);
                    build.ChainPolicy.ExtraStore.AddRange(chain?.ChainElements.Select(e => e.Certificate).ToArray() ?? []);
                    build.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                    return certificate is not null && build.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate));
                },
            },
            MaxConnectionsPerServer = concurrency,
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(api) };
        var bodies = messages.Select(m => System.Text.Json.JsonSerializer.Serialize(new { signedData = Convert.ToBase64String(m) })).ToArray();
        async Task<bool> VerifyAsync(int n)
        {
            using var content = new StringContent(bodies[n % bodies.Length], System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("/api/v1/token/verify", content, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode && text.Contains("\"valid\":true", StringComparison.Ordinal);
        }

        for (var i = 0; i < bodies.Length; i++)
        {
            if (!await VerifyAsync(i))
            {
                Console.Error.WriteLine("warm-up verification over HTTPS failed");
                return 1;
            }
        }

        var next = -1;
        var invalid = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < total)
            {
                if (!await VerifyAsync(n))
                {
                    Interlocked.Increment(ref invalid);
                }
            }
        }, cancellationToken)));
        stopwatch.Stop();
        await app.StopAsync(cancellationToken);
        Console.WriteLine($"bench verify --http: {total} POST /api/v1/token/verify over HTTPS (client certificate, JSON), {key.ToName()} signers, {size}-byte attached content, {concurrency} concurrent requests, client in process");
        Console.WriteLine($"  {total / stopwatch.Elapsed.TotalSeconds:F0} verifications/s ({stopwatch.Elapsed.TotalSeconds:F2} s); not valid: {invalid}");
        return invalid == 0 ? 0 : 1;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The bench's client is a registered business system, as a real caller would be.</summary>
    private static async Task<CaCore.Issuance.AccountBinding> BenchSystemAsync(CaCore.CertificateAuthority ca, CancellationToken cancellationToken)
    {
        var account = CaCore.Accounts.AccountIdentity.System("bench");
        await ca.Accounts.RegisterAsync(account, "Bench Client", "bench", cancellationToken: cancellationToken);
        return new CaCore.Issuance.AccountBinding(account);
    }
}
