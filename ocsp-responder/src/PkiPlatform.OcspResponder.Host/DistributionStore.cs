using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore;

namespace PkiPlatform.OcspResponder.Host;

/// <summary>The latest full and delta CRL of each CA and the CA certificates, as the CDP and AIA URLs name them.</summary>
public sealed class DistributionStore(CertificateAuthority ca, TimeProvider clock)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (DateTime Loaded, byte[]? Der)> _crls = new(StringComparer.Ordinal);

    /// <summary>"{ca}.crl" or "{ca}-delta.crl"; null when there is no such CA or CRL.</summary>
    public async Task<byte[]?> CrlAsync(string file, CancellationToken cancellationToken)
    {
        if (!file.EndsWith(".crl", StringComparison.Ordinal))
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (_crls.TryGetValue(file, out var cached) && now - cached.Loaded < Freshness)
        {
            return cached.Der;
        }

        var name = file[..^4];
        var delta = name.EndsWith("-delta", StringComparison.Ordinal);
        if (delta)
        {
            name = name[..^6];
        }

        await using var db = ca.Database.CreateContext();
        var authority = await db.Authorities.AsNoTracking().Where(a => a.Name == name).Select(a => (int?)a.Id).FirstOrDefaultAsync(cancellationToken);
        byte[]? der = null;
        if (authority is { } id)
        {
            der = await db.Crls.AsNoTracking()
                .Where(c => c.AuthorityId == id && (delta ? c.BaseNumber != null : c.BaseNumber == null))
                .OrderByDescending(c => c.Number).Select(c => c.Der).FirstOrDefaultAsync(cancellationToken);
        }

        // Only CRLs that exist are kept (at most two per CA): a request for any other name costs a query, never memory.
        if (der is not null)
        {
            _crls[file] = (now, der);
        }

        return der;
    }

    /// <summary>"{ca}.crt": the CA certificate, DER.</summary>
    public async Task<byte[]?> CertificateAsync(string file, CancellationToken cancellationToken)
    {
        if (!file.EndsWith(".crt", StringComparison.Ordinal))
        {
            return null;
        }

        var authorities = await ca.Authorities.AllAsync(cancellationToken);
        return authorities.FirstOrDefault(a => a.Name == file[..^4])?.Entity.CertificateDer;
    }
}
