using System.Text.RegularExpressions;
using PkiPlatform.CaCore.Profiles;

namespace PkiPlatform.CaCore.Issuance.Checks;

/// <summary>Every subject value is non-empty, at most 64 characters (RFC 5280 ub-*), and matches the profile's pattern.</summary>
public sealed class SubjectPatternCheck : IIssuanceCheck
{
    private const string Rule = "subject-values";

    public CheckResult Evaluate(CertificateRequest request, CertificateProfile profile)
    {
        var oids = request.Subject.GetOidList();
        var values = request.Subject.GetValueList();
        for (var i = 0; i < oids.Count; i++)
        {
            var name = X509Names.ShortName(oids[i]);
            var value = values[i];
            if (string.IsNullOrWhiteSpace(value))
            {
                return CheckResult.Fail(Rule, "subject.empty", "subject {0} is empty", name);
            }

            if (ControlCharacters.Find(value) is { } control)
            {
                return CheckResult.Fail(Rule, "subject.control", "subject {0} contains the control or invisible character {1}; remove it", name, control);
            }

            // RFC 5280 Appendix A upper bounds: 64 for most names, 128 for e-mail, 2 for country.
            var limit = name == "E" ? 255 : name == "C" ? 2 : 64;
            if (value.Length > limit)
            {
                return CheckResult.Fail(Rule, "subject.too-long", "subject {0} is {1} characters; at most {2}", name, value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            try
            {
                if (profile.Subject.Patterns.TryGetValue(name, out var pattern) && !pattern.IsMatch(value))
                {
                    return CheckResult.Fail(Rule, "subject.pattern", "subject {0} '{1}' does not match the pattern of profile '{2}'", name, value, profile.Name);
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return CheckResult.Fail(Rule, "subject.timeout", "subject {0} could not be checked in time; shorten it", name);
            }
        }

        return CheckResult.Pass(Rule, "subject.match", "subject values match the profile");
    }
}
