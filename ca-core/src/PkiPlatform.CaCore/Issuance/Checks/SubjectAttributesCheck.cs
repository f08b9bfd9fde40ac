using PkiPlatform.CaCore.Profiles;

namespace PkiPlatform.CaCore.Issuance.Checks;

/// <summary>The subject carries every required attribute and no attribute the profile does not allow.</summary>
public sealed class SubjectAttributesCheck : IIssuanceCheck
{
    private const string Rule = "subject-attributes";

    public CheckResult Evaluate(CertificateRequest request, CertificateProfile profile)
    {
        var present = request.Subject.GetOidList().Select(X509Names.ShortName).ToList();
        var missing = profile.Subject.Required.Where(r => !present.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
        {
            return CheckResult.Fail(Rule, $"the subject lacks required attribute(s) {string.Join(", ", missing)}");
        }

        var extra = present.Where(p => !profile.Subject.Allowed.Contains(p, StringComparer.OrdinalIgnoreCase)).Distinct().ToList();
        return extra.Count > 0
            ? CheckResult.Fail(Rule, $"subject attribute(s) {string.Join(", ", extra)} not allowed by profile '{profile.Name}'; allowed: {string.Join(", ", profile.Subject.Allowed)}")
            : CheckResult.Pass(Rule, "subject attributes are allowed and complete");
    }
}
