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
                return CheckResult.Fail(Rule, $"profile '{profile.Name}' requires a subjectAltName ({string.Join(", ", rules.Allowed)}) in the CSR");
            }

            return request.Subject.GetOidList().Count == 0
                ? CheckResult.Fail(Rule, "the subject is empty and there is no subjectAltName: a certificate must name its subject somewhere")
                : CheckResult.Pass(Rule, "no subjectAltName requested");
        }

        if (names.Length > rules.MaxCount)
        {
            return CheckResult.Fail(Rule, $"{names.Length} subjectAltNames requested; profile '{profile.Name}' allows at most {rules.MaxCount}");
        }

        foreach (var name in names)
        {
            var type = TypeName(name.TagNo);
            if (type is null || !rules.Allowed.Contains(type))
            {
                var allowed = rules.Allowed.Count == 0 ? "none" : string.Join(", ", rules.Allowed);
                return CheckResult.Fail(Rule, $"subjectAltName of type {type ?? name.TagNo.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not allowed by profile '{profile.Name}' (allowed: {allowed})");
            }

            var value = Value(name);
            if (value is null)
            {
                return CheckResult.Fail(Rule, $"subjectAltName {type} is malformed");
            }

            try
            {
                if (rules.Patterns.TryGetValue(type, out var pattern) && !pattern.IsMatch(value))
                {
                    return CheckResult.Fail(Rule, $"subjectAltName {type} '{value}' does not match the pattern of profile '{profile.Name}'");
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return CheckResult.Fail(Rule, $"subjectAltName {type} could not be checked in time; shorten it");
            }
        }

        return CheckResult.Pass(Rule, $"{names.Length} subjectAltName(s) allowed");
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
