using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Lint;

/// <summary>What a lint rule looks at: the TBS about to be signed and, unless self-signed, its issuer.</summary>
public sealed record LintSubject(TbsCertificateStructure Tbs, X509CertificateStructure? Issuer)
{
    public X509Extensions? Extensions => Tbs.Extensions;

    public bool IsCa => BasicConstraints.GetInstance(Extensions?.GetExtensionParsedValue(X509Extensions.BasicConstraints))?.IsCA() ?? false;
}
