using System.Text.Json;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Asn1;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Profiles;

/// <summary>
/// Reads profile files and refuses any that is not fully valid, naming the file and the field, so
/// a bad profile stops the CA at start instead of surfacing at the first request.
/// </summary>
public static class ProfileLoader
{
    private const int MaxValidityDaysLimit = 3650;

    public static CertificateProfile Parse(string source, ReadOnlySpan<byte> json)
    {
        ProfileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, ProfileJsonContext.Default.ProfileDocument);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? "" : $" at {ex.Path}";
            throw Invalid(source, $"not valid profile JSON{where}: {ex.Message.Split('.')[0]}");
        }

        if (document is null)
        {
            throw Invalid(source, "the file is empty");
        }

        return Validate(source, document);
    }

    /// <summary>Loads every *.json in <paramref name="directory"/>; names must be unique.</summary>
    public static IReadOnlyList<CertificateProfile> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new PkiException(CaErrorCodes.InvalidProfile, $"profile directory {directory} does not exist");
        }

        var profiles = new List<CertificateProfile>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var profile = Parse(file, File.ReadAllBytes(file));
            if (profiles.Any(p => p.Name == profile.Name))
            {
                throw Invalid(file, $"name: profile '{profile.Name}' is defined twice in {directory}");
            }

            profiles.Add(profile);
        }

        return profiles;
    }

    private static CertificateProfile Validate(string source, ProfileDocument d)
    {
        if (string.IsNullOrWhiteSpace(d.Name) || !Regex.IsMatch(d.Name, @"\A[a-z0-9][a-z0-9-]{0,63}\z"))
        {
            throw Invalid(source, "name: required; lower-case letters, digits and '-' (e.g. \"staff-auth\")");
        }

        var audience = d.Audience switch
        {
            null or "platform" => ProfileAudience.Platform,
            "public" => ProfileAudience.Public,
            "system" => ProfileAudience.System,
            _ => throw Invalid(source, $"audience: '{d.Audience}' is not one of public, system, platform"),
        };

        if (d.KeyAlgorithms is not { Count: > 0 })
        {
            throw Invalid(source, $"keyAlgorithms: list at least one of {KeyAlgorithmNames.Accepted}");
        }

        var algorithms = d.KeyAlgorithms.Select(name => KeyAlgorithmNames.TryParse(name, out var a)
            ? a.Value
            : throw Invalid(source, $"keyAlgorithms: unknown '{name}'; use {KeyAlgorithmNames.Accepted}")).Distinct().ToList();

        if (d.MaxValidityDays is not (> 0 and <= MaxValidityDaysLimit))
        {
            throw Invalid(source, $"maxValidityDays: required, 1..{MaxValidityDaysLimit}");
        }

        if (d.Approvals is < 1 or > 5 || d.RevocationApprovals is < 0 or > 5)
        {
            throw Invalid(source, "approvals: 1..5; revocationApprovals: 0..5");
        }

        var keyUsage = d.KeyUsage ?? throw Invalid(source, "keyUsage: required, e.g. {\"rsa\": [\"digitalSignature\"], \"ec\": [\"digitalSignature\"]}");
        var kuRsa = KeyUsageBits(source, "keyUsage.rsa", keyUsage.Rsa);
        var kuEc = KeyUsageBits(source, "keyUsage.ec", keyUsage.Ec);
        var kuSm2 = keyUsage.Sm2 is null ? kuEc : KeyUsageBits(source, "keyUsage.sm2", keyUsage.Sm2);
        if (d.EncryptionKeySource is not (null or "kmc") || d.KeySource is not (null or "kmc"))
        {
            throw Invalid(source, "encryptionKeySource and keySource: the only source is \"kmc\" (the key management centre)");
        }

        if ((d.EncryptionKeySource is null) != (d.EncryptionProfile is null))
        {
            throw Invalid(source, "encryptionKeySource and encryptionProfile: a dual-certificate profile names both (e.g. \"encryptionKeySource\": \"kmc\", \"encryptionProfile\": \"staff-sm2-encryption\")");
        }

        if (d.EncryptionKeySource is not null && d.KeySource is not null)
        {
            throw Invalid(source, "keySource: the encryption profile of a dual pair is a profile of its own, not the dual profile itself");
        }

        var eku = (d.ExtendedKeyUsage ?? []).Select(name =>
            X509Names.ExtendedKeyUsages.TryGetValue(name, out var oid) ? oid
            : IsOid(name) ? name
            : throw Invalid(source, $"extendedKeyUsage: unknown '{name}'; use {string.Join(", ", X509Names.ExtendedKeyUsages.Keys)} or a dotted OID")).ToList();

        var policies = (d.CertificatePolicies ?? []).Select(oid =>
            IsOid(oid) ? oid : throw Invalid(source, $"certificatePolicies: '{oid}' is not a dotted OID")).ToList();

        var subject = d.Subject ?? throw Invalid(source, "subject: required, e.g. {\"required\": [\"CN\"], \"allowed\": [\"CN\", \"O\"]}");
        var required = Attributes(source, "subject.required", subject.Required ?? []);
        var allowed = Attributes(source, "subject.allowed", subject.Allowed ?? []).Union(required, StringComparer.OrdinalIgnoreCase).ToList();
        var subjectPatterns = Patterns(source, "subject.patterns", subject.Patterns, allowed);

        var san = d.SubjectAltNames ?? new ProfileDocument.SanDocument { Allowed = [] };
        var sanTypes = (san.Allowed ?? []).Select(t => X509Names.SanTypes.Contains(t.ToLowerInvariant()) ? t.ToLowerInvariant()
            : throw Invalid(source, $"subjectAltNames.allowed: unknown type '{t}'; use {string.Join(", ", X509Names.SanTypes)}")).ToList();
        if (san.Required && sanTypes.Count == 0)
        {
            throw Invalid(source, "subjectAltNames.required: true, but subjectAltNames.allowed lists no type");
        }

        if (san.MaxCount is < 1 or > 100)
        {
            throw Invalid(source, "subjectAltNames.maxCount: 1..100");
        }

        var identifiers = (d.PersonalIdentifiers ?? []).Select(name => Issuance.PersonalIdentifiers.Oids.ContainsKey(name) ? name
            : throw Invalid(source, $"personalIdentifiers: unknown '{name}'; use {string.Join(", ", Issuance.PersonalIdentifiers.Oids.Keys)}")).Distinct().ToList();
        if (identifiers.Count > 0 && audience != ProfileAudience.Public)
        {
            throw Invalid(source, "personalIdentifiers: only profiles for people (audience public) carry personal data");
        }

        if (d.OcspNoCheck && !eku.Contains(X509Names.ExtendedKeyUsages["OCSPSigning"]))
        {
            throw Invalid(source, "ocspNoCheck: only for profiles whose extendedKeyUsage is OCSPSigning (RFC 6960 §4.2.2.2.1)");
        }

        return new CertificateProfile
        {
            Name = d.Name,
            Descriptions = d.Description ?? LocalizedText.Empty,
            DisplayName = d.DisplayName ?? LocalizedText.Empty,
            Audience = audience,
            AllowWildcards = d.AllowWildcards,
            KeyAlgorithms = algorithms,
            MaxValidityDays = d.MaxValidityDays.Value,
            Subject = new SubjectRules { Required = required, Allowed = allowed, Patterns = subjectPatterns },
            SubjectAltNames = new SubjectAltNameRules
            {
                Allowed = sanTypes,
                Required = san.Required,
                MaxCount = san.MaxCount ?? 10,
                Patterns = Patterns(source, "subjectAltNames.patterns", san.Patterns, sanTypes),
            },
            KeyUsageRsa = kuRsa,
            KeyUsageEc = kuEc,
            KeyUsageSm2 = kuSm2,
            EncryptionKeySource = d.EncryptionKeySource,
            EncryptionProfile = d.EncryptionProfile,
            KmcKeysOnly = d.KeySource == "kmc",
            ExtendedKeyUsage = eku,
            ExtendedKeyUsageCritical = d.ExtendedKeyUsageCritical,
            CertificatePolicies = policies,
            OcspNoCheck = d.OcspNoCheck,
            PersonalIdentifiers = identifiers,
            Approvals = d.Approvals ?? 1,
            RevocationApprovals = d.RevocationApprovals ?? 0,
        };
    }

    private static int KeyUsageBits(string source, string field, List<string>? names)
    {
        if (names is not { Count: > 0 })
        {
            throw Invalid(source, $"{field}: list at least one of {string.Join(", ", X509Names.KeyUsages.Keys)}");
        }

        var bits = 0;
        foreach (var name in names)
        {
            if (!X509Names.KeyUsages.TryGetValue(name, out var bit))
            {
                throw Invalid(source, $"{field}: unknown key usage '{name}'; use {string.Join(", ", X509Names.KeyUsages.Keys)}");
            }

            if (name is "keyCertSign" or "cRLSign")
            {
                throw Invalid(source, $"{field}: '{name}' is for CA certificates, which profiles do not issue (RFC 5280 §4.2.1.3)");
            }

            bits |= bit;
        }

        return bits;
    }

    private static List<string> Attributes(string source, string field, List<string> names) =>
        names.Select(name => X509Names.SubjectAttributes.ContainsKey(name) ? name.ToUpperInvariant()
            : throw Invalid(source, $"{field}: unknown attribute '{name}'; use {string.Join(", ", X509Names.SubjectAttributes.Keys)}")).ToList();

    private static Dictionary<string, Regex> Patterns(string source, string field, Dictionary<string, string>? patterns, IReadOnlyList<string> allowedKeys)
    {
        var result = new Dictionary<string, Regex>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, pattern) in patterns ?? [])
        {
            if (!allowedKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw Invalid(source, $"{field}.{key}: '{key}' is not allowed by this profile, so a pattern for it has no effect");
            }

            try
            {
                // Anchored: a value must match in full (\z, not $, which would accept a trailing newline). Bounded time against hostile input.
                result[key] = new Regex($"\\A(?:{pattern})\\z", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException ex)
            {
                throw Invalid(source, $"{field}.{key}: invalid regular expression: {ex.Message}");
            }
        }

        return result;
    }

    private static bool IsOid(string value)
    {
        try
        {
            _ = new DerObjectIdentifier(value);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static PkiException Invalid(string source, string message) =>
        new(CaErrorCodes.InvalidProfile, $"profile {source}: {message}");
}
