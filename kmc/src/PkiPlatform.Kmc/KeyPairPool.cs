using System.Threading.Channels;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Kmc;

/// <summary>
/// Pre-generated encryption key pairs per algorithm, so issuance never waits for key generation: a bounded queue per
/// algorithm, kept full by a background task. An empty queue is not an error: the pair is then generated at once
/// (counted in <see cref="Misses"/>). Pairs exist only in this process's memory until archived.
/// </summary>
public sealed class KeyPairPool : IDisposable
{
    private readonly Dictionary<KeyAlgorithm, Channel<AsymmetricCipherKeyPair>> _queues;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _refills = [];
    private long _misses;

    private readonly int _workers;

    /// <param name="sizes">Pairs kept per algorithm.</param>
    /// <param name="workers">Refill tasks per algorithm (they run only while the pool is below its size); default: one per core.</param>
    public KeyPairPool(IReadOnlyDictionary<KeyAlgorithm, int> sizes, int? workers = null)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        _workers = Math.Clamp(workers ?? Environment.ProcessorCount, 1, 64);
        _queues = sizes.Where(s => s.Value > 0).ToDictionary(s => s.Key, s => Channel.CreateBounded<AsymmetricCipherKeyPair>(
            new BoundedChannelOptions(s.Value) { FullMode = BoundedChannelFullMode.Wait, SingleReader = false, SingleWriter = _workers == 1 }));
    }

    /// <summary>Pairs taken when the queue was empty.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    public int Available(KeyAlgorithm algorithm) => _queues.TryGetValue(algorithm, out var queue) ? queue.Reader.Count : 0;

    /// <summary>Starts one background refill per pooled algorithm (idempotent).</summary>
    public void Start()
    {
        lock (_refills)
        {
            if (_refills.Count > 0)
            {
                return;
            }

            foreach (var (algorithm, queue) in _queues.SelectMany(q => Enumerable.Repeat(q, _workers)))
            {
                _refills.Add(Task.Run(async () =>
                {
                    try
                    {
                        while (!_stop.IsCancellationRequested)
                        {
                            await queue.Writer.WaitToWriteAsync(_stop.Token);
                            queue.Writer.TryWrite(Generate(algorithm));
                        }
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }));
            }
        }
    }

    /// <summary>Fills every queue now (a start that should not wait for the background, e.g. a benchmark).</summary>
    public void Fill()
    {
        foreach (var (algorithm, queue) in _queues)
        {
            while (queue.Writer.TryWrite(Generate(algorithm)))
            {
            }
        }
    }

    public AsymmetricCipherKeyPair Take(KeyAlgorithm algorithm)
    {
        if (_queues.TryGetValue(algorithm, out var queue) && queue.Reader.TryRead(out var pair))
        {
            return pair;
        }

        Interlocked.Increment(ref _misses);
        return Generate(algorithm);
    }

    /// <summary>One CSPRNG per thread (BouncyCastle's SHA-256 DRBG seeded from the operating system), not one per pair.</summary>
    [ThreadStatic]
    private static SecureRandom? _random;

    /// <summary>This thread's CSPRNG (key generation, envelopes).</summary>
    internal static SecureRandom Random => _random ??= new SecureRandom();

    /// <summary>The named curves' domain parameters, looked up once (their fixed-base precomputation lives with them).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<KeyAlgorithm, ECDomainParameters> Curves = new();

    /// <summary>A fresh pair from the platform's CSPRNG (BouncyCastle's SecureRandom over the OS generator).</summary>
    public static AsymmetricCipherKeyPair Generate(KeyAlgorithm algorithm)
    {
        var random = Random;
        if (algorithm.IsRsa())
        {
            var rsa = new RsaKeyPairGenerator();
            rsa.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), random, algorithm.RsaBits(), 100));
            return rsa.GenerateKeyPair();
        }

        if (algorithm is KeyAlgorithm.Sm2)
        {
            return KeyStore.Curves.Sm2KeyPairGenerator.Generate(KeyStore.Curves.Sm2Domain.Parameters); // allocation-free arithmetic, OS CSPRNG
        }

        var domain = Curves.GetOrAdd(algorithm, a => ECNamedDomainParameters.LookupOid(a switch
        {
            KeyAlgorithm.Sm2 => GMObjectIdentifiers.sm2p256v1,
            KeyAlgorithm.EcP256 => SecObjectIdentifiers.SecP256r1,
            KeyAlgorithm.EcP384 => SecObjectIdentifiers.SecP384r1,
            _ => throw new PkiException(PkiErrorCodes.InvalidArgument, $"the KMC does not generate {a.ToName()} keys"),
        }));
        var ec = new ECKeyPairGenerator();
        ec.Init(new ECKeyGenerationParameters(domain, random));
        return ec.GenerateKeyPair();
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            Task.WaitAll([.. _refills], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }
}
