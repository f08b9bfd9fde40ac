using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Lint;

/// <summary>Runs every rule over a TBS before it is signed; any finding refuses the signature.</summary>
public sealed class CertificateLinter(IEnumerable<ICertificateLintRule> rules)
{
    public static CertificateLinter Default { get; } = new(
    [
        new SerialNumberRule(),
        new ValidityRule(),
        new SubjectOrAltNameRule(),
        new BasicConstraintsRule(),
        new KeyUsageRule(),
        new KeyIdentifierRule(),
        new KnownCriticalExtensionsRule(),
        new ExtendedKeyUsageRule(),
    ]);

    private readonly ICertificateLintRule[] _rules = rules.ToArray();

    public IReadOnlyList<string> Findings(LintSubject subject) =>
        _rules.Select(rule => rule.Check(subject)).OfType<string>().ToList();

    public void EnsureClean(LintSubject subject)
    {
        var findings = Findings(subject);
        if (findings.Count > 0)
        {
            throw new PkiException(CaErrorCodes.LintFailed, $"refused to sign {subject.Tbs.Subject}: {string.Join("; ", findings)}");
        }
    }
}
