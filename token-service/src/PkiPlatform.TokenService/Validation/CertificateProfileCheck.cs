using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;

namespace PkiPlatform.TokenService.Validation;

/// <summary>
/// RFC 5280 certificate-profile MUSTs that path validation (§6.1) does not itself enforce, and that a conforming CA
/// never breaks; OpenSSL's <c>-x509_strict</c> checks the same. Applied to every certificate of a path and to the trust
/// anchor, unless <see cref="ValidationPolicy.UnsafeLaxCertificateProfile"/>.
/// </summary>
internal static class CertificateProfileCheck
{
    /// <param name="certificate">The certificate.</param>
    /// <param name="isAnchor">A trust anchor: its authority key identifier is not required (it has no issuer on the path).</param>
    /// <returns>Null if the certificate conforms, else the rule it breaks.</returns>
    public static string? Check(X509Certificate certificate, bool isAnchor)
    {
        try
        {
            return Rules(certificate, isAnchor);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or IOException or InvalidOperationException)
        {
            return $"an extension is malformed: {ex.Message}";
        }
    }

    private static string? Rules(X509Certificate certificate, bool isAnchor)
    {
        var tbs = certificate.CertificateStructure.TbsCertificate;
        if (certificate.SerialNumber.SignValue <= 0)
        {
            return "the serial number is not a positive integer (RFC 5280 §4.1.2.2)";
        }

        if (!tbs.Signature.Equals(certificate.CertificateStructure.SignatureAlgorithm))
        {
            return "the signature algorithm inside the certificate differs from the one outside it (RFC 5280 §4.1.1.2)";
        }

        var extensions = tbs.Extensions;
        var basic = extensions?.GetExtension(X509Extensions.BasicConstraints) is { } bc ? BasicConstraints.GetInstance(bc.GetParsedValue()) : null;
        var isCa = basic?.IsCA() == true;
        if (basic?.PathLenConstraint is not null && !isCa)
        {
            return "basicConstraints has pathLenConstraint without cA=TRUE (RFC 5280 §4.2.1.9)";
        }

        var usage = certificate.GetKeyUsage();
        if (usage is not null && usage[5] && !isCa)
        {
            return "keyUsage has keyCertSign but basicConstraints does not assert cA=TRUE (RFC 5280 §4.2.1.3, §4.2.1.9)";
        }

        var authorityKeyId = extensions?.GetExtension(X509Extensions.AuthorityKeyIdentifier);
        if (authorityKeyId?.IsCritical == true)
        {
            return "the authority key identifier extension is critical; it MUST be non-critical (RFC 5280 §4.2.1.1)";
        }

        if (authorityKeyId is null && !isAnchor && !IsSelfSigned(certificate))
        {
            return "the authority key identifier extension is missing; it is required in every certificate that is not self-signed (RFC 5280 §4.2.1.1)";
        }

        var subjectKeyId = extensions?.GetExtension(X509Extensions.SubjectKeyIdentifier);
        if (subjectKeyId?.IsCritical == true)
        {
            return "the subject key identifier extension is critical; it MUST be non-critical (RFC 5280 §4.2.1.2)";
        }

        if (subjectKeyId is null && isCa)
        {
            return "the subject key identifier extension is missing from a CA certificate (RFC 5280 §4.2.1.2)";
        }

        var san = extensions?.GetExtension(X509Extensions.SubjectAlternativeName);
        if (san is not null && GeneralNames.GetInstance(san.GetParsedValue()).GetNames().Length == 0)
        {
            return "the subject alternative name extension holds no name (RFC 5280 §4.2.1.6)";
        }

        if (Asn1Sequence.GetInstance(certificate.SubjectDN.ToAsn1Object()).Count == 0)
        {
            if (isCa)
            {
                return "a CA certificate has an empty subject (RFC 5280 §4.1.2.6)";
            }

            if (san is null)
            {
                return "the subject is empty and there is no subject alternative name (RFC 5280 §4.1.2.6)";
            }

            if (!san.IsCritical)
            {
                return "the subject is empty and the subject alternative name extension is not critical (RFC 5280 §4.2.1.6)";
            }
        }

        return null;
    }

    private static bool IsSelfSigned(X509Certificate certificate)
    {
        if (!certificate.SubjectDN.Equivalent(certificate.IssuerDN))
        {
            return false;
        }

        try
        {
            return certificate.IsSignatureValid(certificate.GetPublicKey());
        }
        catch (Exception ex) when (ex is Org.BouncyCastle.Security.GeneralSecurityException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
