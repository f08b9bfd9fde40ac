namespace PkiPlatform.TokenService;

/// <summary>Time-stamping settings (configuration section "Tsa").</summary>
public sealed class TsaOptions : KeyStore.ISettingsSection
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

    public void Validate()
    {
        Require(IsOid(DefaultPolicy), $"Tsa:DefaultPolicy '{DefaultPolicy}' is not a dotted object identifier (e.g. 1.2.156.xxx)");
        foreach (var policy in AcceptedPolicies)
        {
            Require(IsOid(policy), $"Tsa:AcceptedPolicies entry '{policy}' is not a dotted object identifier");
        }

        Require(AccuracySeconds is >= 1 and <= 60, "Tsa:AccuracySeconds must be 1..60");
        Require(MaxRequestBytes is >= 512 and <= 1 << 20, "Tsa:MaxRequestBytes must be 512..1048576");
        Require(CertificateValidityDays is >= 1 and <= 1825, "Tsa:CertificateValidityDays must be 1..1825 (profile tsa allows 1825)");
    }

    private static bool IsOid(string? value) =>
        value is not null && System.Text.RegularExpressions.Regex.IsMatch(value, "^[0-2](\\.(0|[1-9][0-9]{0,18})){1,40}$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.InvalidArgument, message);
        }
    }
}
