using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Lint;

/// <summary>RFC 5280 §4.2.1.9: pathLenConstraint only with cA TRUE; on a CA, basicConstraints is critical.</summary>
public sealed class BasicConstraintsRule : ICertificateLintRule
{
    public string? Check(LintSubject subject)
    {
        var extension = subject.Extensions?.GetExtension(X509Extensions.BasicConstraints);
        if (extension is null)
        {
            return null;
        }

        var constraints = BasicConstraints.GetInstance(extension.GetParsedValue());
        if (!constraints.IsCA() && constraints.PathLenConstraint is not null)
        {
            return "pathLenConstraint without cA TRUE (RFC 5280 §4.2.1.9)";
        }

        return constraints.IsCA() && !extension.IsCritical ? "CA basicConstraints is not critical (RFC 5280 §4.2.1.9)" : null;
    }
}
