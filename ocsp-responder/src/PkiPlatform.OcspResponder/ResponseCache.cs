using System.Collections.Concurrent;

namespace PkiPlatform.OcspResponder;

/// <summary>
/// Pre-signed responses by CertID, plus a map from the exact request (its base64 or bytes) to the same
/// entry, so a repeated no-nonce request is answered without parsing.
/// </summary>
public sealed class ResponseCache(int capacity)
{
    private readonly ConcurrentDictionary<string, CachedResponse> _byCertificate = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedResponse> _byRequest = new(StringComparer.Ordinal);

    public int Count => _byCertificate.Count;

    public IEnumerable<CachedResponse> Entries => _byCertificate.Values;

    public static string CertificateKey(int authorityId, string hashOid, string serial) => $"{authorityId}|{hashOid}|{serial}";

    public CachedResponse? FindByRequest(string requestKey) => _byRequest.GetValueOrDefault(requestKey);

    public CachedResponse? Find(string certificateKey) => _byCertificate.GetValueOrDefault(certificateKey);

    /// <summary>Stores the entry unless the cache is full; the request key, if any, then points at it.</summary>
    public CachedResponse Add(string certificateKey, CachedResponse entry, string? requestKey)
    {
        if (_byCertificate.Count >= capacity && !_byCertificate.ContainsKey(certificateKey))
        {
            return entry;
        }

        var stored = _byCertificate.GetOrAdd(certificateKey, entry);
        if (requestKey is not null && _byRequest.Count < capacity)
        {
            _byRequest[requestKey] = stored;
        }

        return stored;
    }

    public void Remember(string requestKey, CachedResponse entry)
    {
        if (_byRequest.Count < capacity)
        {
            _byRequest[requestKey] = entry;
        }
    }
}
