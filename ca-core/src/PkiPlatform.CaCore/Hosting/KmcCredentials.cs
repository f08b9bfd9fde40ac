using System.Security.Cryptography.X509Certificates;
namespace PkiPlatform.CaCore.Hosting;

/// <summary>
/// Where the CA↔KMC channel's two credentials live in the data directory (PKCS#12 beside a password file, both 0600),
/// as the first run of <c>pki up</c> writes them: the KMC host's TLS certificate (platform-tls, bound to platform:kmc)
/// and the CA's client certificate (platform-client, bound to platform:ca). In production each host's directory holds
/// only its own.
/// </summary>
public static class KmcCredentials
{
    public static string ServerPath(DataDirectory data) => (data ?? throw new ArgumentNullException(nameof(data))).Combine("kmc", "tls.p12");

    public static string CaClientPath(DataDirectory data) => (data ?? throw new ArgumentNullException(nameof(data))).Combine("ca", "kmc-client.p12");

    public static string PasswordPath(string pkcs12) => Path.ChangeExtension(pkcs12, ".pass");

    public static X509Certificate2 Load(string pkcs12, string what)
    {
        if (!File.Exists(pkcs12) || !File.Exists(PasswordPath(pkcs12)))
        {
            throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.InvalidArgument, $"{what}: {pkcs12} (and its .pass) is missing; a first run of pki up on this data directory creates it");
        }

        return X509CertificateLoader.LoadPkcs12FromFile(pkcs12, File.ReadAllText(PasswordPath(pkcs12)).Trim());
    }
}
