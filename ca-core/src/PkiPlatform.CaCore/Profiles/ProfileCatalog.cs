using System.Reflection;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Profiles;

/// <summary>The profiles a CA serves, by name.</summary>
public sealed class ProfileCatalog
{
    private readonly Dictionary<string, CertificateProfile> _profiles;

    public ProfileCatalog(IEnumerable<CertificateProfile> profiles)
    {
        _profiles = profiles.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var dual in _profiles.Values.Where(p => p.IsDual))
        {
            if (!_profiles.TryGetValue(dual.EncryptionProfile!, out var encryption) || !encryption.KmcKeysOnly)
            {
                throw new PkiException(CaErrorCodes.InvalidProfile,
                    $"profile {dual.Name}: encryptionProfile '{dual.EncryptionProfile}' must be a profile with \"keySource\": \"kmc\"");
            }

            if (encryption.Audience != dual.Audience)
            {
                throw new PkiException(CaErrorCodes.InvalidProfile, $"profile {dual.Name}: its encryption profile {encryption.Name} must have the same audience ({dual.Audience})");
            }
        }
    }

    public IReadOnlyCollection<CertificateProfile> All => _profiles.Values;

    public CertificateProfile Get(string name) =>
        _profiles.TryGetValue(name, out var profile)
            ? profile
            : throw new PkiException(CaErrorCodes.UnknownProfile,
                $"unknown profile '{name}'; available: {string.Join(", ", _profiles.Keys.Order(StringComparer.Ordinal))}");

    /// <summary>The profiles shipped with the platform (embedded copies of Profiles/Defaults/*.json).</summary>
    public static IReadOnlyDictionary<string, byte[]> DefaultFiles()
    {
        var assembly = typeof(ProfileCatalog).Assembly;
        const string prefix = "PkiPlatform.CaCore.Profiles.Defaults.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(n => n[prefix.Length..], n => ReadResource(assembly, n), StringComparer.Ordinal);
    }

    public static ProfileCatalog Defaults() =>
        new(DefaultFiles().Select(kv => ProfileLoader.Parse(kv.Key, kv.Value)));

    private static byte[] ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
