using System.Collections.Concurrent;

namespace PkiPlatform.OcspResponder;

/// <summary>
/// Pre-signed responses by CertID (what determines the answer: issuer, hash algorithm, serial), plus a map from the
/// exact bytes of plain requests (CertIDs only, no extensions) to the same entry, so a repeated no-nonce request is
/// answered without parsing. Both are bounded by one byte budget (trust-model item 8): when an addition would pass it,
/// the request map is dropped and CertID entries are evicted until a tenth of the budget is free.
/// </summary>
public sealed class ResponseCache(long maxBytes)
{
    /// <summary>A request key longer than this is not remembered: a plain single-CertID request is about 100 bytes.</summary>
    public const int MaxRequestKeyLength = 512;

    /// <summary>Per-entry bookkeeping beyond the key and the response bytes (objects, dictionary slots), estimated.</summary>
    private const int Overhead = 256;

    private readonly ConcurrentDictionary<string, (CachedResponse Entry, long Cost)> _byCertificate = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedResponse> _byRequest = new(StringComparer.Ordinal);
    private readonly Lock _evicting = new();
    private long _bytes;

    public int Count => _byCertificate.Count;

    /// <summary>Bytes the cache accounts for now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public IEnumerable<CachedResponse> Entries => _byCertificate.Values.Select(v => v.Entry);

    public static string CertificateKey(int authorityId, string hashOid, string serial) => $"{authorityId}|{hashOid}|{serial}";

    public CachedResponse? FindByRequest(string requestKey) => _byRequest.GetValueOrDefault(requestKey);

    public CachedResponse? Find(string certificateKey) => _byCertificate.TryGetValue(certificateKey, out var v) ? v.Entry : null;

    /// <summary>Stores the entry (evicting others if the budget requires) and returns the one stored.</summary>
    public CachedResponse Add(string certificateKey, CachedResponse entry)
    {
        if (_byCertificate.TryGetValue(certificateKey, out var existing))
        {
            return existing.Entry;
        }

        var cost = certificateKey.Length * 2L + (entry.Snapshot?.Der.Length ?? 0) * 2L + Overhead;
        if (cost > maxBytes)
        {
            return entry;
        }

        MakeRoom(cost);
        if (_byCertificate.TryAdd(certificateKey, (entry, cost)))
        {
            Interlocked.Add(ref _bytes, cost);
            return entry;
        }

        return Find(certificateKey) ?? entry;
    }

    /// <summary>Remembers plain request bytes for a cached entry; anything else is not remembered.</summary>
    public void Remember(string requestKey, string certificateKey)
    {
        if (requestKey.Length > MaxRequestKeyLength || Find(certificateKey) is not { } entry)
        {
            return;
        }

        var cost = requestKey.Length * 2L + Overhead;
        MakeRoom(cost);
        if (_byRequest.TryAdd(requestKey, entry))
        {
            Interlocked.Add(ref _bytes, cost);
        }
    }

    private void MakeRoom(long cost)
    {
        if (Interlocked.Read(ref _bytes) + cost <= maxBytes)
        {
            return;
        }

        lock (_evicting)
        {
            if (Interlocked.Read(ref _bytes) + cost <= maxBytes)
            {
                return;
            }

            // The request map is only a shortcut to CertID entries: drop it whole (and with it every reference to an entry evicted below).
            foreach (var key in _byRequest.Keys)
            {
                if (_byRequest.TryRemove(key, out _))
                {
                    Interlocked.Add(ref _bytes, -(key.Length * 2L + Overhead));
                }
            }

            var target = maxBytes - maxBytes / 10 - cost;
            foreach (var key in _byCertificate.Keys)
            {
                if (Interlocked.Read(ref _bytes) <= target)
                {
                    break;
                }

                if (_byCertificate.TryRemove(key, out var removed))
                {
                    Interlocked.Add(ref _bytes, -removed.Cost);
                }
            }
        }
    }
}
