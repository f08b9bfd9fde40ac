using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Hosting;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.Cli;

/// <summary>
/// First run of <c>pki up</c>: the RA's TLS certificate, a first RA admin and two officer credentials and a
/// demo business-system credential for the token service (PKCS#12 files with generated passwords, printed once). Kept under DATA/ra and DATA/credentials, 0600.
/// </summary>
internal static class RaBootstrap
{
    public const string SystemRole = "System";

    public sealed record Credential(string Role, string Path, string Password, string Identity);

    public static string PortalCertificatePath(DataDirectory data) => data.Combine("ra", "portal.p12");

    private static string PortalPasswordPath(DataDirectory data) => data.Combine("ra", "portal.pass");

    /// <summary>Loads the portal certificate, creating it and the first credentials if this is the first run.</summary>
    public static async Task<(X509Certificate2 Portal, IReadOnlyList<Credential> Created)> EnsureAsync(PkiRuntime runtime, CancellationToken cancellationToken)
    {
        var data = runtime.Data;
        var created = new List<Credential>();
        if (!File.Exists(PortalCertificatePath(data)))
        {
            Directory.CreateDirectory(data.Combine("ra"));
            var password = NewPassword();
            // The platform's own TLS listener: profile platform-tls (never through the RA), bound to a platform account.
            var portal = await IssueAsync(runtime, "platform-tls", "CN=localhost,O=HRSS PKI", ["localhost"], password,
                new AccountBinding(AccountIdentity.Platform("ra-tls"), "RA TLS"), cancellationToken);
            DataDirectory.WriteOwnerOnly(PortalCertificatePath(data), portal);
            DataDirectory.WriteOwnerOnly(PortalPasswordPath(data), Encoding.UTF8.GetBytes(password));

            Directory.CreateDirectory(data.Combine("credentials"));
            // Issue 11: two officers, so that dual control (staff profiles need two approvals) can start with the first application.
            foreach (var (role, name, staffId) in new[] { (RaRole.RaAdmin, "RA Administrator", "ra-admin"), (RaRole.Officer, "RA Officer", "ra-officer"), (RaRole.Officer, "RA Officer 2", "ra-officer-2") })
            {
                // Staff accounts with a stable identifier; the subject is reserved for them by the operator (first run).
                var secret = NewPassword();
                var identity = AccountIdentity.Staff(staffId);
                var subject = $"CN={name},O=HRSS PKI";
                await runtime.Ca.Accounts.RegisterAsync(identity, name, Actor, new Org.BouncyCastle.Asn1.X509.X509Name(subject), cancellationToken);
                var pkcs12 = await IssuePkcs12Async(runtime.Ca, "staff-auth", subject, [], secret, Actor, new AccountBinding(identity, name) { Renewal = true }, cancellationToken,
                    bypassReason: "first run of pki up: the first RA admin and officers (dual control needs two officers to start)");
                var path = data.Combine("credentials", staffId + ".p12");
                DataDirectory.WriteOwnerOnly(path, pkcs12);
                await runtime.Ca.Accounts.SetRoleAsync(identity, role, true, name, Actor, cancellationToken);
                created.Add(new Credential(role.ToString(), path, secret, identity));
            }

            // A business system for the token service's signing API (mTLS; its keys are created by pki up).
            var systemSecret = NewPassword();
            var systemAccount = AccountIdentity.System("demo");
            await runtime.Ca.Accounts.RegisterAsync(systemAccount, "Demo Business System", Actor, new Org.BouncyCastle.Asn1.X509.X509Name("CN=Demo Business System,O=HRSS PKI"), cancellationToken);
            var system = await IssueAsync(runtime, "business-system", "CN=Demo Business System,O=HRSS PKI", [], systemSecret, new AccountBinding(systemAccount, "Demo Business System"), cancellationToken);
            var systemPath = data.Combine("credentials", "system.p12");
            DataDirectory.WriteOwnerOnly(systemPath, system);
            created.Add(new Credential(SystemRole, systemPath, systemSecret, systemAccount));
        }

        await EnsureKmcChannelAsync(runtime, cancellationToken);
        var loaded = X509CertificateLoader.LoadPkcs12FromFile(PortalCertificatePath(data), (await File.ReadAllTextAsync(PortalPasswordPath(data), cancellationToken)).Trim());
        return (loaded, created);
    }

    /// <summary>
    /// The CA↔KMC channel's two credentials, for when the KMC runs as its own host (each only if missing): the KMC
    /// host's TLS certificate bound to platform:kmc, the CA's client certificate bound to platform:ca (docs/kmc.md).
    /// A data directory whose profiles predate platform-client gets none, with a note.
    /// </summary>
    private static async Task EnsureKmcChannelAsync(PkiRuntime runtime, CancellationToken cancellationToken)
    {
        var data = runtime.Data;
        if (!runtime.Ca.Profiles.All.Any(p => p.Name == "platform-client"))
        {
            Console.Error.WriteLine("note: profile platform-client is missing from DATA/profiles: no credentials for a separate KMC host were made");
            return;
        }

        foreach (var (path, profile, subject, dns, account, name) in new[]
        {
            (KmcCredentials.ServerPath(data), "platform-tls", "CN=kmc.localhost,O=HRSS PKI", new[] { "kmc.localhost" }, KmcProtocol.KmcAccount, "Key management centre TLS"),
            (KmcCredentials.CaClientPath(data), "platform-client", "CN=CA host,OU=KMC client,O=HRSS PKI", Array.Empty<string>(), KmcProtocol.CaAccount, "CA host (KMC client)"),
        })
        {
            if (File.Exists(path))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var password = NewPassword();
            var pkcs12 = await IssueAsync(runtime, profile, subject, dns, password, new AccountBinding(account, name), cancellationToken);
            DataDirectory.WriteOwnerOnly(KmcCredentials.PasswordPath(path), Encoding.UTF8.GetBytes(password));
            DataDirectory.WriteOwnerOnly(path, pkcs12);
        }
    }

    /// <summary>A fresh P-256 key and its certificate from the issuing CA, with the CA chain, as PKCS#12.</summary>
    internal static async Task<byte[]> IssuePkcs12Async(CaCore.CertificateAuthority ca, string profile, string subject, string[] dnsNames, string password, string actor,
        AccountBinding? account, CancellationToken cancellationToken, string? bypassReason = null, int? validityDays = null)
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

        var issued = await ca.Issuer.IssueAsync(new IssuanceRequest(request.CreateSigningRequest(), profile, validityDays, Account: account, BypassReason: bypassReason), actor, cancellationToken);
        using var certificate = X509CertificateLoader.LoadCertificate(issued.Der).CopyWithPrivateKey(key);
        var chain = new X509Certificate2Collection(certificate);
        foreach (var authority in (await ca.Authorities.AllAsync(cancellationToken)).OrderByDescending(a => a.Id))
        {
            chain.Add(X509CertificateLoader.LoadCertificate(authority.Entity.CertificateDer));
        }

        return chain.Export(X509ContentType.Pkcs12, password)!;
    }

    private const string Actor = "pki-up:bootstrap";

    private static Task<byte[]> IssueAsync(PkiRuntime runtime, string profile, string subject, string[] dnsNames, string password, AccountBinding account, CancellationToken cancellationToken) =>
        IssuePkcs12Async(runtime.Ca, profile, subject, dnsNames, password, Actor, account, cancellationToken);

    internal static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('/', '-').Replace('+', '_');
}
