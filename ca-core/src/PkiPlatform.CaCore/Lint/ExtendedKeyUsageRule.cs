using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Lint;

/// <summary>
/// RFC 5280 §4.2.1.12: extendedKeyUsage is not empty; RFC 6960 §4.2.2.2.1: id-pkix-ocsp-nocheck only on
/// an OCSP signing certificate.
/// </summary>
public sealed class ExtendedKeyUsageRule : ICertificateLintRule
{
    public string? Check(LintSubject subject)
    {
        var extensions = subject.Extensions;
        var eku = extensions?.GetExtension(X509Extensions.ExtendedKeyUsage);
        var usages = eku is null ? null : ExtendedKeyUsage.GetInstance(eku.GetParsedValue());
        if (usages is not null && usages.Count == 0)
        {
            return "extendedKeyUsage is empty (RFC 5280 §4.2.1.12)";
        }

        var noCheck = extensions?.GetExtension(Org.BouncyCastle.Asn1.Ocsp.OcspObjectIdentifiers.PkixOcspNocheck);
        if (noCheck is not null && (usages is null || !usages.HasKeyPurposeId(KeyPurposeID.id_kp_OCSPSigning)))
        {
            return "id-pkix-ocsp-nocheck on a certificate without EKU OCSPSigning (RFC 6960 §4.2.2.2.1)";
        }

        return null;
    }
}
