using System.Net;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Profiles;

namespace PkiPlatform.CaCore.Issuance.Checks;

/// <summary>
/// Every DNS name, address and URI host (and a host name in the CN of a profile that issues DNS names) lies inside
/// the configured <see cref="NameScope"/>; wildcards only where the profile allows them.
/// </summary>
public sealed class NameScopeCheck(NameScope scope) : IIssuanceCheck
{
    private const string Rule = "name-scope";

    public CheckResult Evaluate(CertificateRequest request, CertificateProfile profile)
    {
        var names = request.SubjectAltNames?.GetNames() ?? [];
        foreach (var name in names)
        {
            var value = SubjectAltNameCheck.Value(name);
            if (value is null)
            {
                continue; // SubjectAltNameCheck reports malformed names.
            }

            var refused = name.TagNo switch
            {
                GeneralName.DnsName => !scope.AllowsDns(value, profile.AllowWildcards),
                GeneralName.IPAddress => !scope.AllowsAddress(IPAddress.Parse(value)),
                GeneralName.UniformResourceIdentifier => !UriHostAllowed(value),
                _ => false,
            };
            if (refused)
            {
                return Refuse(profile, SubjectAltNameCheck.TypeName(name.TagNo) ?? "name", value);
            }
        }

        if (profile.SubjectAltNames.Allowed.Contains("dns"))
        {
            foreach (var cn in request.Subject.GetValueList(X509Name.CN))
            {
                if (LooksLikeHost(cn) && !scope.AllowsDns(cn, profile.AllowWildcards))
                {
                    return Refuse(profile, "CN", cn);
                }
            }
        }

        return CheckResult.Pass(Rule, "scope.inside", "names inside the platform's domains");
    }

    private CheckResult Refuse(CertificateProfile profile, string type, string value) =>
        value.StartsWith("*.", StringComparison.Ordinal) && !profile.AllowWildcards
            ? CheckResult.Fail(Rule, "scope.wildcard", "{0} '{1}' is a wildcard; profile '{2}' does not allow wildcards", type, value, profile.Name)
            : CheckResult.Fail(Rule, "scope.outside", "{0} '{1}' is outside the names this platform certifies ({2})", type, value, scope.Description);

    private bool UriHostAllowed(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host))
        {
            return true; // URNs and the like carry no host to certify.
        }

        return parsed.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? scope.AllowsAddress(IPAddress.Parse(parsed.Host.Trim('[', ']')))
            : scope.AllowsDns(parsed.Host, wildcards: false);
    }

    private static bool LooksLikeHost(string value) =>
        value.Length > 0 && !value.Contains(' ', StringComparison.Ordinal) && (value.Contains('.', StringComparison.Ordinal) || value.Contains('*', StringComparison.Ordinal)
            || string.Equals(value, "localhost", StringComparison.OrdinalIgnoreCase));
}
