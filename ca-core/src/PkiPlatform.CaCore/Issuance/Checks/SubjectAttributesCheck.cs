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
            return CheckResult.Fail(Rule, "subject.missing", "the subject lacks required attribute(s) {0}", string.Join(", ", missing));
        }

        var extra = present.Where(p => !profile.Subject.Allowed.Contains(p, StringComparer.OrdinalIgnoreCase)).Distinct().ToList();
        return extra.Count > 0
            ? CheckResult.Fail(Rule, "subject.extra", "subject attribute(s) {0} not allowed by profile '{1}'; allowed: {2}", string.Join(", ", extra), profile.Name, string.Join(", ", profile.Subject.Allowed))
            : CheckResult.Pass(Rule, "subject.complete", "subject attributes are allowed and complete");
    }
}
