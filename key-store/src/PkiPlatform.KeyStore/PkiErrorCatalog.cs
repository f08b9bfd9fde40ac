using System.Collections.Concurrent;

namespace PkiPlatform.KeyStore;

/// <summary>
/// One entry of the error-code registry: a stable code (see <see cref="PkiException.Code"/>), the HTTP status a host
/// answers it with, and the key of its Chinese/English message (<c>error.</c> + code) in the user interfaces.
/// </summary>
/// <param name="Code">Stable code, e.g. <c>ca.already_revoked</c>: component prefix, dot, snake-case name.</param>
/// <param name="Status">HTTP status of the problem response (400, 403, 404, 409, 413, 422 or 500).</param>
public sealed record PkiErrorCode(string Code, int Status)
{
    /// <summary>Key of the localised title, e.g. <c>error.ca.already_revoked</c>.</summary>
    public string MessageKey => "error." + Code;
}

/// <summary>
/// The registry every host's problem writer consults: each component registers its own codes at composition
/// (<c>AddPkiErrorCodes</c>); a code nobody registered is a platform failure (500), never a guess from its name.
/// </summary>
public sealed class PkiErrorCatalog
{
    private readonly ConcurrentDictionary<string, PkiErrorCode> _codes = new(StringComparer.Ordinal);

    /// <summary>Adds codes; registering the same code twice with the same status is harmless, with another status an error.</summary>
    public PkiErrorCatalog Register(IEnumerable<PkiErrorCode> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        foreach (var code in codes)
        {
            var existing = _codes.GetOrAdd(code.Code, code);
            if (existing.Status != code.Status)
            {
                throw new InvalidOperationException($"error code {code.Code} is registered twice, with status {existing.Status} and {code.Status}");
            }
        }

        return this;
    }

    public PkiErrorCode? Find(string code) => _codes.TryGetValue(code, out var found) ? found : null;

    public IReadOnlyCollection<PkiErrorCode> All => [.. _codes.Values.OrderBy(c => c.Code, StringComparer.Ordinal)];
}
