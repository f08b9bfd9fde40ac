using System.Security.Cryptography.X509Certificates;

namespace PkiPlatform.TestKit;

/// <summary>HTTPS clients for the platform's TLS listeners, trusting only the test root (never the OS store).</summary>
public static class PlatformHttps
{
    /// <param name="baseUrl">The listener.</param>
    /// <param name="root">The test PKI's root.</param>
    /// <param name="issuing">Its issuing CA.</param>
    /// <param name="clientCertificate">Presented for TLS client authentication, if given.</param>
    public static HttpClient Client(string baseUrl, X509Certificate2 root, X509Certificate2 issuing, X509Certificate2? clientCertificate)
    {
        var handler = new HttpClientHandler
        {
            ClientCertificateOptions = ClientCertificateOption.Manual,
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.ExtraStore.Add(issuing);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        if (clientCertificate is not null)
        {
            handler.ClientCertificates.Add(clientCertificate);
        }

        return new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
    }

    /// <summary>A leaf's PEM certificate and key as an <see cref="X509Certificate2"/> SslStream can use (PKCS#12 round trip).</summary>
    public static X509Certificate2 Load(TestLeaf leaf)
    {
        using var ephemeral = X509Certificate2.CreateFromPemFile(leaf.CertificatePath, leaf.KeyPath);
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
