namespace PkiPlatform.CaCore.Lint;

/// <summary>One RFC 5280 rule. Returns null when the certificate keeps it, else what is wrong and which rule says so.</summary>
public interface ICertificateLintRule
{
    string? Check(LintSubject subject);
}
