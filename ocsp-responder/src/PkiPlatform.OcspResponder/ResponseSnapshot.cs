using System.Globalization;
using System.Security.Cryptography;

namespace PkiPlatform.OcspResponder;

/// <summary>One signed response and its HTTP cache validators (RFC 5019 §6), computed once at signing.</summary>
public sealed class ResponseSnapshot
{
    public ResponseSnapshot(byte[] der, CertificateState state, DateTime thisUpdate, DateTime nextUpdate)
    {
        Der = der;
        State = state;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
#pragma warning disable CA5350 // an ETag names content; SHA-1 is what RFC 5019 §6.2 suggests for it.
        ETag = $"\"{Convert.ToHexString(SHA1.HashData(der))}\"";
#pragma warning restore CA5350
        LastModified = thisUpdate.ToString("R", CultureInfo.InvariantCulture);
        Expires = nextUpdate.ToString("R", CultureInfo.InvariantCulture);
    }

    public byte[] Der { get; }

    public CertificateState State { get; }

    public DateTime ThisUpdate { get; }

    public DateTime NextUpdate { get; }

    public string ETag { get; }

    public string LastModified { get; }

    public string Expires { get; }

    /// <summary>RFC 5019 §6.2: max-age no later than nextUpdate.</summary>
    public string CacheControl(DateTime now)
    {
        var seconds = Math.Max(0, (long)(NextUpdate - now).TotalSeconds);
        return $"max-age={seconds.ToString(CultureInfo.InvariantCulture)}, public, no-transform, must-revalidate";
    }
}
