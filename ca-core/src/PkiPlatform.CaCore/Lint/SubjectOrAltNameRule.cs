using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Lint;

/// <summary>RFC 5280 §4.1.2.6 / §4.2.1.6: an empty subject needs a critical subjectAltName; a CA needs a subject.</summary>
public sealed class SubjectOrAltNameRule : ICertificateLintRule
{
    public string? Check(LintSubject subject)
    {
        if (subject.Tbs.Subject.GetOidList().Count > 0)
        {
            return null;
        }

        if (subject.IsCa)
        {
            return "a CA certificate has an empty subject (RFC 5280 §4.1.2.6)";
        }

        var san = subject.Extensions?.GetExtension(X509Extensions.SubjectAlternativeName);
        return san is { IsCritical: true } ? null : "empty subject without a critical subjectAltName (RFC 5280 §4.2.1.6)";
    }
}
