namespace PkiPlatform.CaCore.Lint;

/// <summary>notBefore before notAfter; inside the issuer's validity (RFC 5280 §6.1.3 would reject it otherwise).</summary>
public sealed class ValidityRule : ICertificateLintRule
{
    public string? Check(LintSubject subject)
    {
        var notBefore = subject.Tbs.StartDate.ToDateTime();
        var notAfter = subject.Tbs.EndDate.ToDateTime();
        if (notAfter <= notBefore)
        {
            return "notAfter is not after notBefore (RFC 5280 §4.1.2.5)";
        }

        if (subject.Issuer is { } issuer &&
            (notBefore < issuer.StartDate.ToDateTime() || notAfter > issuer.EndDate.ToDateTime()))
        {
            return "validity extends outside the issuer's validity";
        }

        return null;
    }
}
