using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Lint;

/// <summary>RFC 5280 §4.2: a relying party must reject an unrecognised critical extension, so never sign one.</summary>
public sealed class KnownCriticalExtensionsRule : ICertificateLintRule
{
    private static readonly HashSet<DerObjectIdentifier> Known =
    [
        X509Extensions.BasicConstraints,
        X509Extensions.KeyUsage,
        X509Extensions.ExtendedKeyUsage,
        X509Extensions.SubjectAlternativeName,
        X509Extensions.NameConstraints,
        X509Extensions.PolicyConstraints,
        X509Extensions.CertificatePolicies,
        X509Extensions.InhibitAnyPolicy,
    ];

    public string? Check(LintSubject subject)
    {
        if (subject.Extensions is null)
        {
            return null;
        }

        foreach (var oid in subject.Extensions.GetCriticalExtensionOids())
        {
            if (!Known.Contains(oid))
            {
                return $"critical extension {oid.Id} is not one relying parties are required to understand (RFC 5280 §4.2)";
            }
        }

        return null;
    }
}
