using PkiPlatform.CaCore.Issuance;

namespace PkiPlatform.RaPortal;

/// <summary>The decoded request and, rule by rule, whether the profile accepts it.</summary>
public sealed record CsrPreview(string Subject, string KeyType, IReadOnlyList<string> SubjectAltNames, IReadOnlyList<CheckResult> Checks)
{
    public bool Acceptable => Checks.All(c => c.Passed);
}
