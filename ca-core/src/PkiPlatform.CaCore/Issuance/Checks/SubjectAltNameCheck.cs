using System.Text.RegularExpressions;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Profiles;

namespace PkiPlatform.CaCore.Issuance.Checks;

/// <summary>
/// Requested subjectAltNames are of allowed types, within the count, match the patterns; a profile
/// that requires one gets one; an empty subject needs at least one (RFC 5280 §4.1.2.6).
/// </summary>
public sealed class SubjectAltNameCheck : IIssuanceCheck
{
    private const string Rule = "subject-alt-names";

    public CheckResult Evaluate(CertificateRequest request, CertificateProfile profile)
    {
        var names = request.SubjectAltNames?.GetNames() ?? [];
        var rules = profile.SubjectAltNames;
        if (names.Length == 0)
        {
            if (rules.Required)
            {
                return CheckResult.Fail(Rule, "san.required", "profile '{0}' requires a subjectAltName ({1}) in the CSR", profile.Name, string.Join(", ", rules.Allowed));
            }

            return request.Subject.GetOidList().Count == 0
                ? CheckResult.Fail(Rule, "san.nothing", "the subject is empty and there is no subjectAltName: a certificate must name its subject somewhere")
                : CheckResult.Pass(Rule, "san.none", "no subjectAltName requested");
        }

        if (names.Length > rules.MaxCount)
        {
            return CheckResult.Fail(Rule, "san.count", "{0} subjectAltNames requested; profile '{1}' allows at most {2}", names.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), profile.Name, rules.MaxCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var name in names)
        {
            var type = TypeName(name.TagNo);
            if (type is null || !rules.Allowed.Contains(type))
            {
                var allowed = rules.Allowed.Count == 0 ? "none" : string.Join(", ", rules.Allowed);
                return CheckResult.Fail(Rule, "san.type", "subjectAltName of type {0} is not allowed by profile '{1}' (allowed: {2})", type ?? name.TagNo.ToString(System.Globalization.CultureInfo.InvariantCulture), profile.Name, allowed);
            }

            var value = Value(name);
            if (value is null)
            {
                return CheckResult.Fail(Rule, "san.malformed", "subjectAltName {0} is malformed", type);
            }

            if (ControlCharacters.Find(value) is { } control)
            {
                return CheckResult.Fail(Rule, "san.control", "subjectAltName {0} contains the control or invisible character {1}; remove it", type, control);
            }

            try
            {
                if (rules.Patterns.TryGetValue(type, out var pattern) && !pattern.IsMatch(value))
                {
                    return CheckResult.Fail(Rule, "san.pattern", "subjectAltName {0} '{1}' does not match the pattern of profile '{2}'", type, value, profile.Name);
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return CheckResult.Fail(Rule, "san.timeout", "subjectAltName {0} could not be checked in time; shorten it", type);
            }
        }

        return CheckResult.Pass(Rule, "san.allowed", "{0} subjectAltName(s) allowed", names.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static string? TypeName(int tag) => tag switch
    {
        GeneralName.DnsName => "dns",
        GeneralName.IPAddress => "ip",
        GeneralName.Rfc822Name => "email",
        GeneralName.UniformResourceIdentifier => "uri",
        _ => null,
    };

    public static string? Value(GeneralName name)
    {
        if (name.TagNo == GeneralName.IPAddress)
        {
            var octets = Org.BouncyCastle.Asn1.Asn1OctetString.GetInstance(name.Name).GetOctets();
            return octets.Length is 4 or 16 ? new System.Net.IPAddress(octets).ToString() : null;
        }

        return name.Name is Org.BouncyCastle.Asn1.IAsn1String s ? s.GetString() : null;
    }
}
