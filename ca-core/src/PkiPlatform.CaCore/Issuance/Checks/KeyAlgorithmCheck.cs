using PkiPlatform.CaCore.Profiles;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Issuance.Checks;

/// <summary>The request's key is one of the types and sizes the profile allows.</summary>
public sealed class KeyAlgorithmCheck : IIssuanceCheck
{
    private const string Rule = "key-type";

    public CheckResult Evaluate(CertificateRequest request, CertificateProfile profile)
    {
        var allowed = string.Join(", ", profile.KeyAlgorithms.Select(a => a.ToName()));
        return request.KeyAlgorithm is { } algorithm && profile.KeyAlgorithms.Contains(algorithm)
            ? CheckResult.Pass(Rule, "key.allowed", "key {0} is allowed", request.KeyDescription)
            : CheckResult.Fail(Rule, "key.refused", "key {0} is not allowed by profile '{1}'; use one of: {2}", request.KeyDescription, profile.Name, allowed);
    }
}
