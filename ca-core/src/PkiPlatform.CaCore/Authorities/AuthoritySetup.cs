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
}
