using PkiPlatform.CaCore.Profiles;

namespace PkiPlatform.CaCore.Issuance.Checks;

/// <summary>
/// GM/T 0015 identity extensions requested in the CSR (<see cref="PersonalIdentifiers"/>): only those the profile
/// lists, each well-formed (an identity card number's GB 11643 check digit). The messages never repeat the number.
/// </summary>
public sealed class PersonalIdentifierCheck : IIssuanceCheck
{
    private const string Rule = "personal-identifiers";

    public CheckResult Evaluate(CertificateRequest request, CertificateProfile profile)
    {
        if (request.UnreadablePersonalIdentifier is { } unreadable)
        {
            return CheckResult.Fail(Rule, "pid.unreadable", "{0}", unreadable);
        }

        if (request.PersonalIdentifiers.Count == 0)
        {
            return CheckResult.Pass(Rule, "pid.none", "no identity extension requested");
        }

        foreach (var (name, value) in request.PersonalIdentifiers)
        {
            if (!profile.PersonalIdentifiers.Contains(name))
            {
                return CheckResult.Fail(Rule, "pid.not-allowed", "profile '{0}' does not carry the {1} extension (personal data); remove it from the CSR",
                    profile.Name, name);
            }

            if (PersonalIdentifiers.Problem(name, value) is { } problem)
            {
                return CheckResult.Fail(Rule, "pid.malformed", "the {0} extension is malformed: {1}", name, problem);
            }
        }

        return CheckResult.Pass(Rule, "pid.allowed", "identity extensions allowed by the profile: {0}", string.Join(", ", request.PersonalIdentifiers.Keys.Order(StringComparer.Ordinal)));
    }
}
