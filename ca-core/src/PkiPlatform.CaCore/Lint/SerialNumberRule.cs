namespace PkiPlatform.CaCore.Lint;

/// <summary>RFC 5280 §4.1.2.2: serial positive, at most 20 octets.</summary>
public sealed class SerialNumberRule : ICertificateLintRule
{
    public string? Check(LintSubject subject)
    {
        var serial = subject.Tbs.SerialNumber.Value;
        if (serial.SignValue <= 0)
        {
            return "serial number is not positive (RFC 5280 §4.1.2.2)";
        }

        return serial.ToByteArray().Length > 20 ? "serial number longer than 20 octets (RFC 5280 §4.1.2.2)" : null;
    }
}
