using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Configuration;
using PkiPlatform.CaCore.Crl;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Profiles;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using Microsoft.EntityFrameworkCore;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki bench issue</c> and <c>pki bench crl</c>: throughput of the real code paths on a throwaway
/// PKI (a temporary directory, or a temporary PostgreSQL database that is dropped afterwards).
/// </summary>
internal static class BenchCommand
{
    public static Command Create() => new("bench", "Benchmarks (figures go to docs/benchmarks.md)") { Issue(), Crl(), BenchVerifyCommand.Create(), BenchOidcCommand.Create(), BenchKmcCommand.Create() };

    private static Command Issue()
    {
        var count = new Option<int>("--count") { Description = "Certificates to issue (after warm-up)", DefaultValueFactory = _ => 20_000 };
        var algorithm = new Option<string>("--algorithm") { Description = "Issuing CA key type", DefaultValueFactory = _ => "ec-p256" };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL server connection string; a temporary database is created on it and dropped" };
        var batch = new Option<int>("--batch") { Description = "Certificates per transaction pair", DefaultValueFactory = _ => 500 };
        var workers = new Option<int>("--workers") { Description = "Batches in flight at once", DefaultValueFactory = _ => 2 };
        var command = new Command("issue", "End-to-end issuance: CSR parsed and checked -> certificate signed and stored with its audit event")
        {
            count, algorithm, postgres, batch, workers,
        };
        command.SetRun(async (result, cancellationToken) =>
        {
            var total = result.GetValue(count);
            var batchSize = Math.Clamp(result.GetValue(batch), 1, 10_000);
            var key = KeyAlgorithmNames.Parse(result.GetValue(algorithm)!);
            await using var bench = await BenchPki.CreateAsync(key, result.GetValue(postgres), cancellationToken);

            var csrs = Enumerable.Range(0, 64).Select(i => Csr($"bench-{i}")).ToArray();
            var requests = Enumerable.Range(0, batchSize).Select(i => new IssuanceRequest(csrs[i % csrs.Length], "staff-auth")).ToArray();
            await bench.Ca.Issuer.IssueBatchAsync(requests, "bench", cancellationToken); // warm-up

            var batches = (total + batchSize - 1) / batchSize;
            var next = -1;
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Math.Max(1, result.GetValue(workers))).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) < batches)
                {
                    await bench.Ca.Issuer.IssueBatchAsync(requests, "bench", cancellationToken);
                }
            }, cancellationToken)));
            stopwatch.Stop();

            var issued = batches * batchSize;
            await using var db = bench.Ca.Database.CreateContext();
            var stored = await db.Certificates.CountAsync(c => c.Status == CertificateStatus.Issued, cancellationToken);
            var audit = await AuditTrail.VerifyAsync(db, cancellationToken);
            Console.WriteLine($"bench issue: {issued} certificates, issuing key {key.ToName()} (software), {bench.Ca.Database.Provider}, batch {batchSize}, workers {result.GetValue(workers)}");
            Console.WriteLine($"  {issued / stopwatch.Elapsed.TotalSeconds:F0} certificates/s ({stopwatch.Elapsed.TotalSeconds:F2} s); stored {stored} (incl. warm-up); {audit.Message}");
            return audit.IsIntact ? 0 : 1;
        });
        return command;
    }

    private static Command Crl()
    {
        var entries = new Option<int>("--entries") { Description = "Revoked entries", DefaultValueFactory = _ => 1_000_000 };
        var algorithm = new Option<string>("--algorithm") { Description = "CA key type", DefaultValueFactory = _ => "ec-p256" };
        var baseline = new Option<bool>("--baseline") { Description = "Also time BouncyCastle's X509V2CrlGenerator on the same entries, for comparison" };
        var command = new Command("crl", "Build and sign one full CRL of N revoked entries with reason codes, streamed to a file") { entries, algorithm, baseline };
        command.SetRun(async (result, cancellationToken) =>
        {
            var n = result.GetValue(entries);
            await using var bench = await BenchPki.CreateAsync(KeyAlgorithmNames.Parse(result.GetValue(algorithm)!), null, cancellationToken);
            var authority = await bench.Ca.Authorities.GetAsync("issuing", cancellationToken);
            var path = Path.Combine(bench.Directory, "bench.crl");
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            var document = new CrlDocument(1, null, now, now.AddDays(1), null);

            GC.Collect();
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var before = process.WorkingSet64;
            var stopwatch = Stopwatch.StartNew();
            int written;
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                written = CrlWriter.Write(authority, document, Entries(n, now), file);
            }

            stopwatch.Stop();
            process.Refresh();
            var size = new FileInfo(path).Length;
            Console.WriteLine($"bench crl: {written} entries, {size / 1048576.0:F1} MiB, signed {authority.KeyAlgorithm.ToName()}");
            Console.WriteLine($"  {stopwatch.Elapsed.TotalSeconds:F2} s; peak working set {process.PeakWorkingSet64 / 1048576} MiB (process start {before / 1048576} MiB)");
            if (result.GetValue(baseline))
            {
                var generator = new Org.BouncyCastle.X509.X509V2CrlGenerator();
                generator.SetIssuerDN(authority.Subject);
                generator.SetThisUpdate(now);
                generator.SetNextUpdate(now.AddDays(1));
                var bouncy = Stopwatch.StartNew();
                foreach (var entry in Entries(n, now))
                {
                    generator.AddCrlEntry(new Org.BouncyCastle.Math.BigInteger(1, entry.Serial), entry.RevokedAt, entry.Reason ?? 0);
                }

                var crl = generator.Generate(new KeyStore.Signing.KeySignatureFactory(authority.Signer));
                bouncy.Stop();
                Console.WriteLine($"  baseline BouncyCastle X509V2CrlGenerator: {bouncy.Elapsed.TotalSeconds:F2} s ({crl.GetEncoded().Length / 1048576.0:F1} MiB)");
            }

            return 0;
        });
        return command;
    }

    private static IEnumerable<CrlEntry> Entries(int count, DateTime now)
    {
        var serial = new byte[16];
        for (var i = 0; i < count; i++)
        {
            RandomNumberGenerator.Fill(serial);
            serial[0] = (byte)((serial[0] & 0x3F) | 0x40);
            // reasons 1..5 and 9 cycle; every tenth entry carries an invalidity date too.
            var reason = (i % 6) switch { 5 => 9, var r => r + 1 };
            yield return new CrlEntry((byte[])serial.Clone(), now.AddSeconds(-i), reason, i % 10 == 0 ? now.AddDays(-1) : null);
        }
    }

    internal static byte[] Csr(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={name}, O=Bench", key, HashAlgorithmName.SHA256);
        return request.CreateSigningRequest();
    }
}
