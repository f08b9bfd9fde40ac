using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace PkiPlatform.ServiceDefaults;

/// <summary>The one trust setting for client certificates in every host: the platform's own root, never the OS store.</summary>
public static class PlatformClientCertificates
{
    /// <summary>
    /// The TLS side: any client certificate or none is let through the handshake, and the handshake does no
    /// revocation check of its own. The authentication handler then validates against the platform's anchors
    /// and the CA's records, and can explain a refusal, which a failed handshake could not. (Kestrel's default
    /// online revocation check fetched the platform's own CRLs/OCSP synchronously inside every new handshake:
    /// under concurrent connections that starved the thread pool and handshakes timed out.)
    /// </summary>
    public static void AcceptAtTls(Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions https)
    {
        https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
        https.AllowAnyClientCertificate();
        https.CheckCertificateRevocation = false;
        RestrictProtocols(https);
    }

    /// <summary>
    /// Trust-model item 12: TLS 1.2 and 1.3 only, and only AEAD suites with forward secrecy (no CBC, no static RSA key
    /// exchange, no SHA-1 MACs), whatever the system OpenSSL would otherwise offer.
    /// </summary>
    public static void RestrictProtocols(Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions https)
    {
        https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
        https.OnAuthenticate = (_, options) =>
        {
            // Windows takes its suites from the system policy (SChannel); CipherSuitesPolicy is Linux/macOS only.
            if (!OperatingSystem.IsWindows())
            {
                options.CipherSuitesPolicy = AeadSuites;
            }
        };
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static readonly System.Net.Security.CipherSuitesPolicy AeadSuites = new(
    [
        System.Net.Security.TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        System.Net.Security.TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        System.Net.Security.TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        System.Net.Security.TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        System.Net.Security.TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        System.Net.Security.TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        System.Net.Security.TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        System.Net.Security.TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        System.Net.Security.TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]);

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
