namespace PkiPlatform.TokenService;

/// <summary>Time-stamping settings (configuration section "Tsa").</summary>
public sealed class TsaOptions
{
    /// <summary>The policy of tokens whose request names none (RFC 3161 §2.4.1 reqPolicy absent). On the RFC 5612 documentation arc: replace it.</summary>
    public string DefaultPolicy { get; set; } = "1.3.6.1.4.1.32473.1.4.1";

    /// <summary>Policies a request may ask for; the default policy is always accepted.</summary>
    public IList<string> AcceptedPolicies { get; } = [];

    /// <summary>Accuracy stated in every token (RFC 3161 §2.4.2).</summary>
    public int AccuracySeconds { get; set; } = 1;

    public int MaxRequestBytes { get; set; } = 10 * 1024;

    /// <summary>Validity of the TSA certificate the service issues for itself (profile tsa allows 1825 days).</summary>
    public int CertificateValidityDays { get; set; } = 1825;
}
