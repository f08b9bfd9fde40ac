using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PkiPlatform.CaCore.Hosting;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.RaPortal;

namespace PkiPlatform.Cli;

/// <summary>
/// First run of <c>pki up</c>: the RA's TLS certificate, a first RA admin and officer credential and a
/// demo business-system credential for the token service (PKCS#12 files with generated passwords, printed once). Kept under DATA/ra and DATA/credentials, 0600.
/// </summary>
internal static class RaBootstrap
{
    public const string SystemRole = "System";

    public sealed record Credential(string Role, string Path, string Password, string Identity);

    public static string PortalCertificatePath(DataDirectory data) => data.Combine("ra", "portal.p12");

    private static string PortalPasswordPath(DataDirectory data) => data.Combine("ra", "portal.pass");

    /// <summary>Loads the portal certificate, creating it and the first credentials if this is the first run.</summary>
    public static async Task<(X509Certificate2 Portal, IReadOnlyList<Credential> Created)> EnsureAsync(PkiRuntime runtime, RegistrationAuthority ra, CancellationToken cancellationToken)
    {
        var data = runtime.Data;
        var created = new List<Credential>();
        if (!File.Exists(PortalCertificatePath(data)))
        {
            Directory.CreateDirectory(data.Combine("ra"));
            var password = NewPassword();
            var portal = await IssueAsync(runtime, "server-tls", "CN=localhost,O=HRSS PKI", ["localhost"], password, cancellationToken);
            DataDirectory.WriteOwnerOnly(PortalCertificatePath(data), portal);
            DataDirectory.WriteOwnerOnly(PortalPasswordPath(data), Encoding.UTF8.GetBytes(password));

            Directory.CreateDirectory(data.Combine("credentials"));
            foreach (var (role, name) in new[] { (RaRole.RaAdmin, "RA Administrator"), (RaRole.Officer, "RA Officer") })
            {
                var secret = NewPassword();
                var pkcs12 = await IssueAsync(runtime, "staff-auth", $"CN={name},O=HRSS PKI", [], secret, cancellationToken);
                var path = data.Combine("credentials", role == RaRole.RaAdmin ? "ra-admin.p12" : "ra-officer.p12");
                DataDirectory.WriteOwnerOnly(path, pkcs12);
                using var certificate = X509CertificateLoader.LoadPkcs12(pkcs12, secret);
                var identity = Org.BouncyCastle.Asn1.X509.X509CertificateStructure.GetInstance(certificate.RawData).Subject.ToString();
                await ra.SetAccountAsync(identity, name, role, true, "system", cancellationToken);
                created.Add(new Credential(role.ToString(), path, secret, identity));
            }

            // A business system for the token service's signing API (mTLS; its keys are created by pki up).
            var systemSecret = NewPassword();
            var system = await IssueAsync(runtime, "business-system", "CN=Demo Business System,O=HRSS PKI", [], systemSecret, cancellationToken);
            var systemPath = data.Combine("credentials", "system.p12");
            DataDirectory.WriteOwnerOnly(systemPath, system);
            using (var certificate = X509CertificateLoader.LoadPkcs12(system, systemSecret))
            {
                created.Add(new Credential(SystemRole, systemPath, systemSecret, Org.BouncyCastle.Asn1.X509.X509CertificateStructure.GetInstance(certificate.RawData).Subject.ToString()));
            }
        }

        var loaded = X509CertificateLoader.LoadPkcs12FromFile(PortalCertificatePath(data), (await File.ReadAllTextAsync(PortalPasswordPath(data), cancellationToken)).Trim());
        return (loaded, created);
    }

    /// <summary>A fresh P-256 key and its certificate from the issuing CA, with the CA chain, as PKCS#12.</summary>
    internal static async Task<byte[]> IssuePkcs12Async(CaCore.CertificateAuthority ca, string profile, string subject, string[] dnsNames, string password, string actor,
        CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (dnsNames.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames)
            {
                san.AddDnsName(name);
            }

            san.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }

        var issued = await ca.Issuer.IssueAsync(new IssuanceRequest(request.CreateSigningRequest(), profile), actor, cancellationToken);
        using var certificate = X509CertificateLoader.LoadCertificate(issued.Der).CopyWithPrivateKey(key);
        var chain = new X509Certificate2Collection(certificate);
        foreach (var authority in (await ca.Authorities.AllAsync(cancellationToken)).OrderByDescending(a => a.Id))
        {
            chain.Add(X509CertificateLoader.LoadCertificate(authority.Entity.CertificateDer));
        }

        return chain.Export(X509ContentType.Pkcs12, password)!;
    }

    private static Task<byte[]> IssueAsync(PkiRuntime runtime, string profile, string subject, string[] dnsNames, string password, CancellationToken cancellationToken) =>
        IssuePkcs12Async(runtime.Ca, profile, subject, dnsNames, password, "pki-up:bootstrap", cancellationToken);

    private static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('/', '-').Replace('+', '_');
}
