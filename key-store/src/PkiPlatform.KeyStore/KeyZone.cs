namespace PkiPlatform.KeyStore;

/// <summary>
/// A security zone's share of the key store (issue 10): an allow-list of key-label prefixes. The CA zone holds the CA
/// keys and the audit key; the OCSP zone only delegated responder keys; the token-service zone only the TSA key and
/// business systems' service keys; the RA zone no key at all. <see cref="All"/> is the operator's view (CLI, and
/// the one-process evaluation start composes each component with its own zone).
/// </summary>
public sealed record KeyZone(string Name, IReadOnlyList<string> Prefixes)
{
    public static KeyZone Ca { get; } = new("ca", ["ca-", "audit-checkpoint"]);

    public static KeyZone Ocsp { get; } = new("ocsp", ["ocsp-"]);

    public static KeyZone TokenService { get; } = new("token-service", ["tsa-", "sign-", "decrypt-"]);

    public static KeyZone Ra { get; } = new("ra", []);

    /// <summary>The identity provider (issue 12): only its token-signing keys.</summary>
    public static KeyZone Identity { get; } = new("identity", ["oidc-"]);

    /// <summary>The key management centre (issue 13): only its master wrapping key; archived keys are ciphertext in its tables.</summary>
    public static KeyZone Kmc { get; } = new("kmc", ["kmc-"]);

    public static KeyZone All { get; } = new("operator", [""]);

    public bool Holds(string label) => Prefixes.Any(p => label.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Whether this zone may sign with CA keys (issue certificates and CRLs itself rather than through the CA's queue).</summary>
    public bool HoldsCaKeys => Holds("ca-");

    public static KeyZone Parse(string name) => name switch
    {
        "ca" => Ca,
        "ocsp" => Ocsp,
        "token-service" => TokenService,
        "ra" => Ra,
        "identity" => Identity,
        "kmc" => Kmc,
        "operator" => All,
        _ => throw new PkiException(PkiErrorCodes.InvalidArgument, $"no key zone '{name}' (ca, ocsp, token-service, ra, identity, kmc, operator)"),
    };
}

/// <summary>
/// A key store as one zone sees it: every operation on a label outside <see cref="Zone"/> fails with
/// <see cref="PkiErrorCodes.KeyOutsideZone"/>, naming the zone that holds it; <see cref="List"/> shows the zone's keys only.
/// Does not own the inner store.
/// </summary>
public sealed class ZonedKeyStore(IKeyStore inner, KeyZone zone) : IKeyStore
{
    public KeyZone Zone { get; } = zone;

    public string Backend => inner.Backend;

    public KeyInfo Generate(string label, KeyAlgorithm algorithm, KeyPurpose purpose = KeyPurpose.Signing) => inner.Generate(Check(label), algorithm, purpose);

    public KeyInfo Get(string label) => inner.Get(Check(label));

    public IReadOnlyList<KeyInfo> List() => inner.List().Where(k => Zone.Holds(k.Label)).ToList();

    public ISigningKey GetSigner(string label) => inner.GetSigner(Check(label));

    public IDecryptionKey GetDecrypter(string label) => inner.GetDecrypter(Check(label));

    public void Destroy(string label) => inner.Destroy(Check(label));

    /// <summary>The inner store belongs to whoever opened it.</summary>
    public void Dispose()
    {
    }

    private string Check(string label)
    {
        if (Zone.Holds(label))
        {
            return label;
        }

        var owner = new[] { KeyZone.Ca, KeyZone.Ocsp, KeyZone.TokenService, KeyZone.Identity, KeyZone.Kmc }.FirstOrDefault(z => z.Holds(label))?.Name ?? "no zone";
        throw new PkiException(PkiErrorCodes.KeyOutsideZone,
            $"key '{label}' is outside the {Zone.Name} zone (it belongs to {owner}); this process may use only keys labelled {(Zone.Prefixes.Count == 0 ? "(none)" : string.Join(", ", Zone.Prefixes.Select(p => p + "…")))}");
    }
}
