using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace PkiPlatform.ServiceDefaults;

/// <summary>The one trust setting for client certificates in every host: the platform's own root, never the OS store.</summary>
public static class PlatformClientCertificates
{
    /// <summary>
    /// Chains to <paramref name="root"/> through <paramref name="issuing"/>, checks validity and EKU clientAuth; status is
    /// left to the CA's records (the caller's OnCertificateValidated), which know about revocations at once.
    /// </summary>
    public static void Trust(CertificateAuthenticationOptions options, X509Certificate2 root, X509Certificate2 issuing)
    {
        options.AllowedCertificateTypes = CertificateTypes.Chained;
        options.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
        options.CustomTrustStore.Add(root);
        options.AdditionalChainCertificates.Add(issuing);
        options.RevocationMode = X509RevocationMode.NoCheck;
        options.ValidateValidityPeriod = true;
        options.ValidateCertificateUse = true;
    }
}
