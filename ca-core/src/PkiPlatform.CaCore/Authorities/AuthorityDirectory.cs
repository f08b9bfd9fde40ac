using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Authorities;

/// <summary>Loads the platform's CAs once per process: record, certificate and a signer for the key.</summary>
public sealed class AuthorityDirectory(CaDatabase database, IKeyStore keys, string issuingAuthorityName)
{
    private readonly ConcurrentDictionary<string, Authority> _loaded = new(StringComparer.Ordinal);

    /// <summary>The CA that signs end-entity certificates.</summary>
    public string IssuingAuthorityName { get; } = issuingAuthorityName;

    public async Task<Authority> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        if (_loaded.TryGetValue(name, out var authority))
        {
            return authority;
        }

        await using var db = database.CreateContext();
        var entity = await db.Authorities.AsNoTracking().SingleOrDefaultAsync(a => a.Name == name, cancellationToken);
        if (entity is null)
        {
            var any = await db.Authorities.AnyAsync(cancellationToken);
            throw any
                ? new PkiException(PkiErrorCodes.InvalidArgument, $"no CA named '{name}'")
                : new PkiException(CaErrorCodes.NotInitialised, "the PKI is not initialised; run 'pki init' first");
        }

        return _loaded.GetOrAdd(name, new Authority(entity, () => keys.GetSigner(entity.KeyLabel)));
    }

    public async Task<IReadOnlyList<Authority>> AllAsync(CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var names = await db.Authorities.AsNoTracking().OrderBy(a => a.Id).Select(a => a.Name).ToListAsync(cancellationToken);
        if (names.Count == 0)
        {
            throw new PkiException(CaErrorCodes.NotInitialised, "the PKI is not initialised; run 'pki init' first");
        }

        var result = new List<Authority>();
        foreach (var name in names)
        {
            result.Add(await GetAsync(name, cancellationToken));
        }

        return result;
    }
}
