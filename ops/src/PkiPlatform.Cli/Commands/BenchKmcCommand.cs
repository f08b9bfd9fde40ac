using System.CommandLine;
using System.Diagnostics;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Pkcs;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Issuance;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.Kmc;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki bench kmc</c> (issue 13): on a throwaway SM2 PKI with the key management centre in process, measures the pool's
/// SM2 key generation, end-to-end dual-certificate issuance (signing CSR checked, KMC key archived, both certificates
/// signed and stored, envelope built, audit events) and a key recovery's release after the second approval.
/// </summary>
internal static class BenchKmcCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Dual issuances (after warm-up)", DefaultValueFactory = _ => 500 };
        var workers = new Option<int>("--workers") { Description = "Batches in flight at once", DefaultValueFactory = _ => 2 };
        var batch = new Option<int>("--batch") { Description = "Dual issuances per batch (their transactions shared; 1 = one at a time, as the RA worker does)", DefaultValueFactory = _ => 100 };
        var pairs = new Option<int>("--pairs") { Description = "SM2 pairs for the key-generation figure", DefaultValueFactory = _ => 4000 };
        var recoveries = new Option<int>("--recoveries") { Description = "Recoveries timed (second approval → envelope)", DefaultValueFactory = _ => 20 };
        var lanes = new Option<int>("--lanes") { Description = "The CA worker's claims in flight at once (PostgreSQL)", DefaultValueFactory = _ => 2 };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL server connection string; a temporary database is created on it and dropped" };
        var command = new Command("kmc", "Key management centre: SM2 pool refill, dual-certificate issuance end to end, key recovery latency") { count, workers, batch, pairs, recoveries, lanes, postgres };
        command.SetRun(async (result, cancellationToken) =>
        {
            await using var bench = await BenchPki.CreateAsync(KeyAlgorithm.Sm2, result.GetValue(postgres), cancellationToken);
            var total = Math.Max(1, result.GetValue(count));
            var generate = Math.Max(1, result.GetValue(pairs));
            // 1. Pool refill, as the KMC runs it: an empty pool of --pairs SM2 pairs refilled by its background workers
            // (one per core) until full.
            var refill = Stopwatch.StartNew();
            using (var pool = new KeyPairPool(new Dictionary<KeyAlgorithm, int> { [KeyAlgorithm.Sm2] = generate }))
            {
                pool.Start();
                while (pool.Available(KeyAlgorithm.Sm2) < generate)
                {
                    await Task.Delay(5, cancellationToken);
                }

                refill.Stop();
            }

            var options = new KmcOptions { PoolSizes = new() { [KeyAlgorithm.Sm2] = total + 64 }, MasterKeyFile = Path.Combine(bench.Directory, "kmc", "master.key") };
            using var kmc = new KeyManagementCentre(bench.Ca, options);
            await kmc.Store.MigrateAsync(cancellationToken);
            kmc.Pool.Fill();

            // 2. Dual issuance end to end.
            var csrs = Enumerable.Range(0, 64).Select(i => Sm2Csr($"CN=Bench Staff {i},O=Bench")).ToArray();
            await bench.Ca.Issuer.IssueDualAsync(new IssuanceRequest(csrs[0], "staff-sm2-dual"), kmc, "bench", "bench", cancellationToken: cancellationToken);
            var batchSize = Math.Clamp(result.GetValue(batch), 1, 1000);
            var batches = (total + batchSize - 1) / batchSize;
            var next = -1;
            // CPU, allocation and GC pauses per issuance: steadier on a shared machine than the rate, and where the time goes.
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var pauseBefore = GC.GetTotalPauseDuration();
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            int[] collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
            var issuing = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Math.Max(1, result.GetValue(workers))).Select(_ => Task.Run(async () =>
            {
                int b;
                while ((b = Interlocked.Increment(ref next)) < batches)
                {
                    var requests = Enumerable.Range(b * batchSize, Math.Min(batchSize, total - b * batchSize)).Select(i => new IssuanceRequest(csrs[i % csrs.Length], "staff-sm2-dual")).ToList();
                    await bench.Ca.Issuer.IssueDualBatchAsync(requests, kmc, "bench", "bench", cancellationToken: cancellationToken);
                }
            }, cancellationToken)));
            issuing.Stop();
            var cpuPerIssuance = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / total;
            var allocatedPerIssuance = (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1e6 / total;
            var pauseShare = (GC.GetTotalPauseDuration() - pauseBefore) / issuing.Elapsed;
            var collections = string.Join(" / ", Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - collectionsBefore[g]));

            // 3. The RA's path: approved applications, each for its own staff account, issued by the CA worker (it batches
            // the dual applications of a claim: one KMC application, one CA batch, one confirmation).
            var applications = Math.Min(total, 1000);
            var ids = new List<long>();
            var approvedAt = bench.Ca.Clock.GetUtcNow().UtcDateTime;
            await using (var queue = bench.Ca.Database.CreateContext())
            {
                var rows = Enumerable.Range(0, applications).Select(i => new RaRequestEntity
                {
                    Kind = RaRequestKind.Issue, Status = RaRequestStatus.Approved, Profile = "staff-sm2-dual", CsrDer = Sm2Csr($"CN=Bench Applicant {i},O=Bench"),
                    SubjectDn = $"CN=Bench Applicant {i},O=Bench", ApplicantName = $"Bench Applicant {i}", ApplicantStaffId = $"B{i:D6}", Organization = "Bench", Unit = "Bench",
                    SubmittedBy = "anonymous", Account = $"staff:B{i:D6}", RequiredApprovals = 2, TrackingCode = Guid.NewGuid().ToString("N"),
                    SubmittedAt = approvedAt, DecidedAt = approvedAt,
                }).ToList();
                queue.RaRequests.AddRange(rows);
                await queue.SaveChangesAsync(cancellationToken);
                ids.AddRange(rows.Select(r => r.Id));
            }

            kmc.Pool.Fill();
            var worker = new IssuanceWorker(bench.Ca, TimeProvider.System) { EncryptionKeys = kmc, Lanes = Math.Max(1, result.GetValue(lanes)) };
            var workerCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var viaWorker = Stopwatch.StartNew();
            await worker.ProcessAsync(cancellationToken);
            viaWorker.Stop();
            var workerCpu = (Process.GetCurrentProcess().TotalProcessorTime - workerCpuBefore).TotalMilliseconds / applications;
            await using (var queue = bench.Ca.Database.CreateContext())
            {
                var notDone = await queue.RaRequests.CountAsync(r => ids.Contains(r.Id) && r.Status != RaRequestStatus.Done, cancellationToken);
                if (notDone > 0)
                {
                    throw new InvalidOperationException($"{notDone} applications were not issued by the worker");
                }
            }

            // 4. Recovery: the release (decrypt, envelope, store, audit) after the second approval.
            var officers = new List<PlatformCredential>();
            for (var i = 0; i < 3; i++)
            {
                officers.Add(await OfficerAsync(bench, $"staff:bench-kro-{i}", $"CN=Bench Recovery {i},O=Bench", cancellationToken));
            }

            var latencies = new List<double>();
            for (var i = 0; i < Math.Max(1, result.GetValue(recoveries)); i++)
            {
                var subject = $"CN=Bench Lost Key {i},O=Bench";
                var dual = await bench.Ca.Issuer.IssueDualAsync(new IssuanceRequest(Sm2Csr(subject), "staff-sm2-dual"), kmc, "bench", "bench", cancellationToken: cancellationToken);
                var newKey = await bench.Ca.Issuer.IssueAsync(new IssuanceRequest(Sm2Csr(subject), "staff-signing", BypassReason: "bench"), "bench", cancellationToken);
                var id = await kmc.RequestRecoveryAsync(bench.Ca.Options.IssuingAuthority, dual.Encryption.Serial, RecoveryKind.Subscriber, newKey.Der, officers[0], "bench: lost key", cancellationToken);
                await kmc.ApproveRecoveryAsync(id, officers[1], "bench", cancellationToken);
                var second = Stopwatch.StartNew();
                var outcome = await kmc.ApproveRecoveryAsync(id, officers[2], "bench", cancellationToken);
                second.Stop();
                if (outcome.Envelope is null)
                {
                    throw new InvalidOperationException("the second approval did not release the key");
                }

                latencies.Add(second.Elapsed.TotalMilliseconds);
            }

            latencies.Sort();
            await using var db = bench.Ca.Database.CreateContext();
            var audit = await AuditTrail.VerifyAsync(db, cancellationToken);
            Console.WriteLine($"bench kmc: SM2 CA (software key), {bench.Ca.Database.Provider}, {Environment.ProcessorCount} cores");
            Console.WriteLine($"  pool refill: {generate / refill.Elapsed.TotalSeconds:F0} SM2 pairs/s ({generate} pairs, {refill.Elapsed.TotalSeconds:F2} s)");
            Console.WriteLine($"  dual issuance: {total / issuing.Elapsed.TotalSeconds:F0} SM2 dual-certificate issuances/s ({total} in {issuing.Elapsed.TotalSeconds:F2} s, batches of {batchSize}, {result.GetValue(workers)} in flight; pool misses {kmc.Pool.Misses})");
            Console.WriteLine($"    per issuance: {cpuPerIssuance:F2} ms CPU (this process), {allocatedPerIssuance:F2} MB allocated; GC pauses {pauseShare:P0} of the time (gen0 / gen1 / gen2 collections: {collections})");
            Console.WriteLine($"  through the CA worker: {applications / viaWorker.Elapsed.TotalSeconds:F0} approved RA applications/s issued as dual certificates ({applications} in {viaWorker.Elapsed.TotalSeconds:F2} s, each bound to its own staff account, the worker's claims of 50 issued together, {worker.Lanes} claims in flight; {workerCpu:F2} ms CPU each)");
            Console.WriteLine($"  recovery: median {latencies[latencies.Count / 2]:F1} ms, max {latencies[^1]:F1} ms from the second approval to the envelope ({latencies.Count} recoveries)");
            Console.WriteLine($"  {audit.Message}");
            return audit.IsIntact ? 0 : 1;
        });
        return command;
    }

    private static byte[] Sm2Csr(string subject)
    {
        var pair = KeyPairPool.Generate(KeyAlgorithm.Sm2);
        return new Pkcs10CertificationRequest(new Asn1SignatureFactory("SM3WITHSM2", pair.Private), new X509Name(subject), pair.Public, null).GetDerEncoded();
    }

    private static byte[] EcCsr(string subject)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return new System.Security.Cryptography.X509Certificates.CertificateRequest(subject, key, System.Security.Cryptography.HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    private static async Task<PlatformCredential> OfficerAsync(BenchPki bench, string identity, string subject, CancellationToken cancellationToken)
    {
        await bench.Ca.Accounts.RegisterAsync(identity, subject, "bench", new X509Name(subject), cancellationToken);
        var issued = await bench.Ca.Issuer.IssueAsync(new IssuanceRequest(EcCsr(subject), "staff-auth", Account: new AccountBinding(identity) { Renewal = true }, BypassReason: "bench"), "bench", cancellationToken);
        await bench.Ca.Accounts.SetRoleAsync(identity, RaRole.KeyRecoveryOfficer, true, null, "bench", cancellationToken);
        var (credential, refusal) = await bench.Ca.Accounts.AuthenticateAsync(issued.Der, cancellationToken);
        return credential ?? throw new InvalidOperationException(refusal);
    }
}
