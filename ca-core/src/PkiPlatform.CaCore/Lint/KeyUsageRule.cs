using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Lint;

/// <summary>RFC 5280 §4.2.1.3: keyUsage present, not empty; keyCertSign exactly when cA is TRUE.</summary>
public sealed class KeyUsageRule : ICertificateLintRule
{
    public string? Check(LintSubject subject)
    {
        var extension = subject.Extensions?.GetExtension(X509Extensions.KeyUsage);
        if (extension is null)
        {
            return "keyUsage is missing (this platform always sets it)";
        }

        var bits = KeyUsage.GetInstance(extension.GetParsedValue()).IntValue;
        if (bits == 0)
        {
            return "keyUsage has no bit set (RFC 5280 §4.2.1.3)";
        }

        var certSign = (bits & KeyUsage.KeyCertSign) != 0;
        if (certSign != subject.IsCa)
        {
            return certSign ? "keyCertSign without cA TRUE (RFC 5280 §4.2.1.3)" : "a CA certificate without keyCertSign (RFC 5280 §4.2.1.3)";
        }

        return null;
    }
}
