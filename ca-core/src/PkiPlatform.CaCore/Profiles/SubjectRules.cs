using System.Text.RegularExpressions;

namespace PkiPlatform.CaCore.Profiles;

/// <summary>Which subject DN attributes a request must and may carry, and what their values must look like.</summary>
public sealed class SubjectRules
{
    /// <summary>Short names (CN, O, OU, C, ST, L, E, SERIALNUMBER) that must be present.</summary>
    public required IReadOnlyList<string> Required { get; init; }

    /// <summary>Short names that may be present (the required ones are always allowed).</summary>
    public required IReadOnlyList<string> Allowed { get; init; }

    /// <summary>Per attribute, a pattern every value must match in full.</summary>
    public required IReadOnlyDictionary<string, Regex> Patterns { get; init; }
}
