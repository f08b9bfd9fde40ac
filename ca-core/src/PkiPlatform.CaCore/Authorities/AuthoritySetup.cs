using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Authorities;

/// <summary>What <c>pki init</c> creates: a self-signed root and an issuing CA signed by it.</summary>
public sealed class AuthoritySetup
{
    public KeyAlgorithm RootAlgorithm { get; init; } = KeyAlgorithm.EcP256;

    public KeyAlgorithm IssuingAlgorithm { get; init; } = KeyAlgorithm.EcP256;

    public string Organization { get; init; } = "HRSS PKI";

    public string Country { get; init; } = "CN";

    public string RootCommonName { get; init; } = "HRSS Root CA";

    public string IssuingCommonName { get; init; } = "HRSS Issuing CA";

    public int RootValidityYears { get; init; } = 20;

    public int IssuingValidityYears { get; init; } = 10;

    /// <summary>
    /// Name constraints in the issuing CA certificate (trust-model item 4), critical: permitted dNSName subtrees for
    /// <c>ca.allowedDomains</c> and iPAddress subtrees for <c>ca.allowedAddresses</c>, so that relying parties refuse a
    /// host name or address outside the scope even if the CA were made to issue one. Other name types (directory
    /// names, e-mail) stay unconstrained. <c>pki init</c> sets it when --allowed-domains or --allowed-addresses is given.
    /// </summary>
    public bool NameConstraints { get; init; }
}
