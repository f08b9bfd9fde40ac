using System.Text.RegularExpressions;

namespace PkiPlatform.CaCore.Profiles;

/// <summary>Which subjectAltName entries pass from the CSR into the certificate.</summary>
public sealed class SubjectAltNameRules
{
    /// <summary>Name types that may appear: dns, ip, email, uri.</summary>
    public required IReadOnlyList<string> Allowed { get; init; }

    /// <summary>Whether at least one SAN is required.</summary>
    public bool Required { get; init; }

    public int MaxCount { get; init; } = 10;

    /// <summary>Per name type, a pattern every value must match in full.</summary>
    public required IReadOnlyDictionary<string, Regex> Patterns { get; init; }
}
