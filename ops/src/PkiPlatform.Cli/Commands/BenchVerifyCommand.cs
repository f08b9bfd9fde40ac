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
        var workers = new Option<int>("--workers") { Description = "Concurrent verifiers", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("verify", "CMS signature verification with path validation and cached OCSP status") { count, algorithm, signers, size, workers };
        command.SetRun(async (result, cancellationToken) =>
        {
            var key = KeyAlgorithmNames.Parse(result.GetValue(algorithm)!);
            int port;
            using (var listener = new TcpListener(System.Net.IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            }

            var url = $"http://127.0.0.1:{port}";
            await using var bench = await BenchPki.CreateAsync(key, null, cancellationToken, new CaOptions { OcspUrl = url + "/ocsp", CrlBaseUrl = url + "/crl", CaIssuersBaseUrl = url + "/ca" });
            await bench.Ca.Crls.PublishAllAsync(false, "bench", cancellationToken);
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls(url);
            builder.Logging.ClearProviders();
            builder.Services.AddOcspResponder(bench.Ca, new OcspResponderOptions());
            await using var app = builder.Build();
            await app.Services.InitializeOcspResponderAsync(cancellationToken);
            app.MapOcspResponder();
            await app.StartAsync(cancellationToken);

            const string Owner = "CN=Bench System,O=HRSS";
            var keys = new ServiceKeys(bench.Ca, TimeProvider.System);
            var creator = new CmsSignatureCreator(bench.Ca, keys, null, TimeProvider.System);
            var content = new byte[result.GetValue(size)];
            Random.Shared.NextBytes(content);
            var messages = new List<byte[]>();
            for (var i = 0; i < Math.Max(1, result.GetValue(signers)); i++)
            {
                var signer = await keys.CreateAsync(Owner, ServiceKeyUsage.Sign, key, new X509Name($"CN=Bench Signer {i},O=HRSS"), 365, "bench", cancellationToken);
                for (var j = 0; j < 8; j++)
                {
                    content[0] = (byte)j;
                    messages.Add(await creator.SignAsync(Owner, signer.KeyLabel, content, detached: false, timestamp: false, cancellationToken));
                }
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
}
