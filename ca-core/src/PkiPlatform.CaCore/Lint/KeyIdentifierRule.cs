using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Lint;

/// <summary>RFC 5280 §4.2.1.1/§4.2.1.2: AKI on every certificate but a self-signed root; SKI on every CA.</summary>
public sealed class KeyIdentifierRule : ICertificateLintRule
{
    public string? Check(LintSubject subject)
    {
        var extensions = subject.Extensions;
        if (subject.Issuer is not null && extensions?.GetExtension(X509Extensions.AuthorityKeyIdentifier) is null)
        {
            return "authorityKeyIdentifier is missing (RFC 5280 §4.2.1.1)";
        }

        return subject.IsCa && extensions?.GetExtension(X509Extensions.SubjectKeyIdentifier) is null
            ? "a CA certificate without subjectKeyIdentifier (RFC 5280 §4.2.1.2)"
            : null;
    }
}
