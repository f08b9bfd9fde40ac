using Microsoft.Extensions.Time.Testing;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Configuration;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Profiles;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Software;

namespace PkiPlatform.TestKit;

/// <summary>
/// A throwaway PKI built at run time: root, issuing CA, and leaves on demand (valid, expired,
/// revoked, wrong EKU). Nothing secret is committed: every key is generated here. The clock is fake,
/// set to the real time once the CAs and the expired leaf exist.
/// </summary>
public sealed class TestPki : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly IKeyStore _keys;

    private TestPki(string directory, TestDatabase database, IKeyStore keys, CertificateAuthority ca, FakeTimeProvider clock)
    {
        Directory = directory;
        _database = database;
        _keys = keys;
        Ca = ca;
        Clock = clock;
    }

    public string Directory { get; }

    public CertificateAuthority Ca { get; }

    public FakeTimeProvider Clock { get; }

    public IKeyStore Keys => _keys;

    public string Provider => _database.Options.Provider;

    public byte[] RootDer { get; private set; } = [];

    public byte[] IssuingDer { get; private set; } = [];

    public string RootPemPath => Path.Combine(Directory, "root.pem");

    public string IssuingPemPath => Path.Combine(Directory, "issuing.pem");

    /// <summary>Issuing CA then root, PEM: what certtool --verify and TLS peers take as the chain.</summary>
    public string ChainPemPath => Path.Combine(Directory, "chain.pem");

    /// <summary>A staff-auth certificate that expired before "now".</summary>
    public TestLeaf ExpiredLeaf { get; private set; } = null!;

    /// <param name="algorithm">Key type of the root and issuing CA.</param>
    /// <param name="provider">"sqlite" or "postgres".</param>
    /// <param name="options">CA options (URLs in certificates).</param>
    /// <param name="keys">The key store, e.g. a PKCS#11 store on the shared SoftHSM2 token; disposed with the PKI. Default: a fresh software store.</param>
    public static async Task<TestPki> CreateAsync(KeyAlgorithm algorithm = KeyAlgorithm.EcP256, string provider = "sqlite", CaOptions? options = null, IKeyStore? keys = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("pki-test-").FullName;
        var database = await TestDatabase.CreateAsync(provider);
        keys ??= new SoftwareKeyStore(new SoftwareKeyStoreOptions
        {
            Directory = Path.Combine(directory, "keys"),
            Passphrase = "test passphrase " + Guid.NewGuid(),
            ScryptLog2N = 10, // tests: the cost is exercised in the key-store tests, not here
        });
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now.AddDays(-400));
        options ??= new CaOptions();
        // Test names live under the documentation domains (RFC 2606) and loopback/private ranges.
        options.AllowedDomains = [.. options.AllowedDomains.Union(["localhost", "example", "example.org", "example.com", "hrss.example"])];
        options.AllowedAddresses = [.. options.AllowedAddresses.Union(["127.0.0.0/8", "10.0.0.0/8", "::1/128"])];
        var ca = new CertificateAuthority(database.Database, keys, ProfileCatalog.Defaults(), options, clock, Path.Combine(directory, "crl"));
        var pki = new TestPki(directory, database, keys, ca, clock);
        var created = await ca.Initializer.InitializeAsync(new AuthoritySetup { RootAlgorithm = algorithm, IssuingAlgorithm = algorithm }, "test");
        pki.RootDer = created[0].CertificateDer;
        pki.IssuingDer = created[1].CertificateDer;
        await File.WriteAllTextAsync(pki.RootPemPath, Pem.Certificate(pki.RootDer));
        await File.WriteAllTextAsync(pki.IssuingPemPath, Pem.Certificate(pki.IssuingDer));
        await File.WriteAllTextAsync(pki.ChainPemPath, Pem.Certificate(pki.IssuingDer) + Pem.Certificate(pki.RootDer));
        pki.ExpiredLeaf = await pki.IssueAsync("staff-auth", "CN=Expired User,O=HRSS", validityDays: 30, key: algorithm == KeyAlgorithm.Sm2 ? KeyAlgorithm.Sm2 : KeyAlgorithm.EcP256);
        clock.SetUtcNow(now);
        return pki;
    }

    /// <summary>Issues a certificate for a fresh key and writes cert and key PEM files named after its serial.</summary>
    /// <remarks>Platform profiles (TSA, OCSP signing, platform TLS) are bound to a platform test account, as the CA requires.</remarks>
    public async Task<TestLeaf> IssueAsync(string profile, string subject = "CN=Test User,O=HRSS", string[]? subjectAltNames = null,
        KeyAlgorithm key = KeyAlgorithm.EcP256, int? validityDays = null, AccountBinding? account = null)
    {
        var csr = TestCsr.Create(key, subject, subjectAltNames ?? []);
        if (account is null && Ca.Profiles.Get(profile).Audience == ProfileAudience.Platform)
        {
            account = new AccountBinding(AccountIdentity.Platform("test-" + profile));
        }

        var issued = await Ca.Issuer.IssueAsync(new IssuanceRequest(csr.Der, profile, validityDays, account), "test");
        var certificatePath = Path.Combine(Directory, $"{issued.Serial}.pem");
        var keyPath = Path.Combine(Directory, $"{issued.Serial}.key");
        await File.WriteAllTextAsync(certificatePath, Pem.Certificate(issued.Der));
        await File.WriteAllTextAsync(keyPath, csr.PrivateKeyPem);
        return new TestLeaf(issued.Serial, issued.Der, certificatePath, keyPath);
    }

    /// <summary>The platform's own TLS certificate for localhost / 127.0.0.1 (profile platform-tls).</summary>
    public Task<TestLeaf> PlatformTlsAsync() => IssueAsync("platform-tls", "CN=localhost,O=HRSS", ["dns:localhost", "ip:127.0.0.1"]);

    /// <summary>
    /// An account with a client certificate explicitly bound to it, as the RA would leave it: a staff account
    /// (<c>staff:ID</c>, profile staff-auth) with an optional role, or a registered business system (<c>system:NAME</c>).
    /// </summary>
    public async Task<TestAccount> AccountAsync(string identity, string subject, RaRole? role = null)
    {
        var kind = AccountIdentity.KindOf(identity);
        await Ca.Accounts.RegisterAsync(identity, subject, "test", new Org.BouncyCastle.Asn1.X509.X509Name(subject));
        var leaf = await IssueAsync(kind == AccountKind.System ? "business-system" : "staff-auth", subject, account: new AccountBinding(identity) { Renewal = true });
        if (role is not null)
        {
            await Ca.Accounts.SetRoleAsync(identity, role, true, null, "test");
        }

        var (credential, refusal) = await Ca.Accounts.AuthenticateAsync(leaf.Der);
        return new TestAccount(leaf, credential ?? throw new InvalidOperationException(refusal));
    }

    public async Task<TestLeaf> RevokedLeafAsync(RevocationReason reason = RevocationReason.KeyCompromise)
    {
        var leaf = await IssueAsync("staff-auth", "CN=Revoked User,O=HRSS", ["email:revoked@example.org"]);
        await Ca.Revocations.RevokeAsync(leaf.Serial, reason, null, "test");
        return leaf;
    }

    /// <summary>A TLS client certificate: wrong for anything that needs serverAuth, OCSPSigning or timeStamping.</summary>
    public Task<TestLeaf> WrongEkuLeafAsync() => IssueAsync("staff-auth", "CN=Client Only,O=HRSS");

    public string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        _keys.Dispose();
        await _database.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
