using System.Globalization;
using System.Text;

namespace PkiPlatform.OcspResponder;

/// <summary>Counters for the metrics endpoint (Prometheus text format): responses by status, cache, signing latency.</summary>
public sealed class OcspMetrics
{
    private long _good;
    private long _revoked;
    private long _unknown;
    private long _malformed;
    private long _unauthorized;
    private long _tryLater;
    private long _cacheHits;
    private long _cacheMisses;
    private long _signatures;
    private long _signingTicks;
    private long _maxSigningTicks;

    public void Answered(CertificateStateKind kind)
    {
        switch (kind)
        {
            case CertificateStateKind.Good: Interlocked.Increment(ref _good); break;
            case CertificateStateKind.Revoked: Interlocked.Increment(ref _revoked); break;
            default: Interlocked.Increment(ref _unknown); break;
        }
    }

    public void Refused(OcspStatus status)
    {
        switch (status)
        {
            case OcspStatus.MalformedRequest: Interlocked.Increment(ref _malformed); break;
            case OcspStatus.Unauthorized: Interlocked.Increment(ref _unauthorized); break;
            default: Interlocked.Increment(ref _tryLater); break;
        }
    }

    public void CacheHit() => Interlocked.Increment(ref _cacheHits);

    public void CacheMiss() => Interlocked.Increment(ref _cacheMisses);

    public void SignatureMade(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _signatures);
        Interlocked.Add(ref _signingTicks, elapsed.Ticks);
        long seen;
        while (elapsed.Ticks > (seen = Interlocked.Read(ref _maxSigningTicks)) &&
               Interlocked.CompareExchange(ref _maxSigningTicks, elapsed.Ticks, seen) != seen)
        {
        }
    }

    public double CacheHitRatio
    {
        get
        {
            var hits = Interlocked.Read(ref _cacheHits);
            var total = hits + Interlocked.Read(ref _cacheMisses);
            return total == 0 ? 0 : (double)hits / total;
        }
    }

    public string ToPrometheus(int cachedResponses)
    {
        var builder = new StringBuilder();
        void Line(string text) => builder.Append(text).Append('\n');
        Line("# TYPE ocsp_responses_total counter");
        var counts = new[]
        {
            ("good", Interlocked.Read(ref _good)), ("revoked", Interlocked.Read(ref _revoked)), ("unknown", Interlocked.Read(ref _unknown)),
            ("malformedRequest", Interlocked.Read(ref _malformed)), ("unauthorized", Interlocked.Read(ref _unauthorized)), ("tryLater", Interlocked.Read(ref _tryLater)),
        };
        foreach (var (status, value) in counts)
        {
            Line($"ocsp_responses_total{{status=\"{status}\"}} {value}");
        }

        Line("# TYPE ocsp_cache_hits_total counter");
        Line($"ocsp_cache_hits_total {Interlocked.Read(ref _cacheHits)}");
        Line("# TYPE ocsp_cache_misses_total counter");
        Line($"ocsp_cache_misses_total {Interlocked.Read(ref _cacheMisses)}");
        Line("# TYPE ocsp_cache_hit_ratio gauge");
        Line($"ocsp_cache_hit_ratio {CacheHitRatio.ToString("F4", CultureInfo.InvariantCulture)}");
        Line("# TYPE ocsp_cached_responses gauge");
        Line($"ocsp_cached_responses {cachedResponses}");
        Line("# TYPE ocsp_signing_seconds summary");
        Line($"ocsp_signing_seconds_count {Interlocked.Read(ref _signatures)}");
        Line($"ocsp_signing_seconds_sum {TimeSpan.FromTicks(Interlocked.Read(ref _signingTicks)).TotalSeconds.ToString("F6", CultureInfo.InvariantCulture)}");
        Line($"ocsp_signing_seconds_max {TimeSpan.FromTicks(Interlocked.Read(ref _maxSigningTicks)).TotalSeconds.ToString("F6", CultureInfo.InvariantCulture)}");
        return builder.ToString();
    }
}
