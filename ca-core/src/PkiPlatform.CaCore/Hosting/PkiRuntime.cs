using Microsoft.Data.Sqlite;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Profiles;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Pkcs11;
using PkiPlatform.KeyStore.Software;

namespace PkiPlatform.CaCore.Hosting;

/// <summary>The CA opened from a data directory: configuration, key store, database and profiles.</summary>
public sealed class PkiRuntime : IDisposable
{
    private PkiRuntime(DataDirectory data, PkiConfig config, IKeyStore keys, CertificateAuthority ca)
    {
        Data = data;
        Config = config;
        Keys = keys;
        Ca = ca;
    }

    public DataDirectory Data { get; }

    public PkiConfig Config { get; }

    public IKeyStore Keys { get; }

    public CertificateAuthority Ca { get; }

    public static async Task<PkiRuntime> OpenAsync(DataDirectory data, string passphrase, CancellationToken cancellationToken) =>
        await OpenAsync(data, data.LoadConfig(), passphrase, TimeProvider.System, cancellationToken);

    /// <param name="data">The data directory.</param>
    /// <param name="config">Its configuration.</param>
    /// <param name="passphrase">The software key store's passphrase.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <param name="zone">The security zone of the process: its <see cref="Ca"/> reaches only that zone's keys (default: the operator's view, all keys).</param>
    /// <param name="migrate">Apply pending migrations (the CLI and the CA host); replicas on a read-only standby pass false.</param>
    public static async Task<PkiRuntime> OpenAsync(DataDirectory data, PkiConfig config, string? passphrase, TimeProvider clock, CancellationToken cancellationToken,
        KeyZone? zone = null, bool migrate = true)
    {
        var profiles = new ProfileCatalog(ProfileLoader.LoadDirectory(data.ProfilesDirectory));
        data.RestrictPermissions();
        var database = new CaDatabase(ResolveDatabase(data, config.Database));
        if (migrate)
        {
            await database.MigrateAsync(cancellationToken);
            data.RestrictPermissions(); // a database file the migration just created
        }

        // A zone that holds no key (the RA) opens no key store at all and needs no passphrase or PIN.
        var keys = zone is { Prefixes.Count: 0 } ? NoKeys.Instance : OpenKeyStore(data, config.KeyStore, passphrase);
        try
        {
            var ca = new CertificateAuthority(database, zone is null ? keys : new ZonedKeyStore(keys, zone), profiles, config.Ca, clock, data.CrlDirectory);
            return new PkiRuntime(data, config, keys, ca);
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }

    public static IKeyStore OpenKeyStore(DataDirectory data, KeyStoreConfig config, string? passphrase)
    {
        if (config.Type == "pkcs11")
        {
            var pkcs11 = config.Pkcs11!;
            return new Pkcs11KeyStore(new Pkcs11KeyStoreOptions
            {
                ModulePath = pkcs11.Module,
                TokenLabel = pkcs11.TokenLabel,
                Pin = ReadPin(pkcs11),
            });
        }

        return new SoftwareKeyStore(new SoftwareKeyStoreOptions
        {
            Directory = data.Resolve(config.Directory),
            Passphrase = passphrase ?? throw new PkiException(PkiErrorCodes.WrongPassphrase, "the software key store needs a passphrase"),
            ScryptLog2N = config.ScryptLog2N,
        });
    }

    public void Dispose() => Keys.Dispose();

    private static string ReadPin(Pkcs11Config config)
    {
        var pin = Environment.GetEnvironmentVariable("PKI_HSM_PIN");
        if (!string.IsNullOrEmpty(pin))
        {
            return pin;
        }

        if (config.PinFile is { } file)
        {
            return File.Exists(file)
                ? File.ReadAllText(file).Trim()
                : throw new PkiException(PkiErrorCodes.WrongPin, $"keyStore.pkcs11.pinFile {file} does not exist");
        }

        throw new PkiException(PkiErrorCodes.WrongPin, "no HSM PIN: set PKI_HSM_PIN or keyStore.pkcs11.pinFile");
    }

    /// <summary>A relative SQLite data source lives in the data directory.</summary>
    private static DatabaseOptions ResolveDatabase(DataDirectory data, DatabaseOptions options)
    {
        if (!options.Provider.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return options;
        }

        var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        builder.DataSource = data.Resolve(string.IsNullOrEmpty(builder.DataSource) ? "ca.db" : builder.DataSource);
        return new DatabaseOptions { Provider = "sqlite", ConnectionString = builder.ToString() };
    }

    private sealed class NoKeys : IKeyStore
    {
        public static readonly NoKeys Instance = new();

        public string Backend => "none";

        public KeyInfo Generate(string label, KeyAlgorithm algorithm, KeyPurpose purpose = KeyPurpose.Signing) => throw None(label);

        public KeyInfo Get(string label) => throw None(label);

        public IReadOnlyList<KeyInfo> List() => [];

        public ISigningKey GetSigner(string label) => throw None(label);

        public IDecryptionKey GetDecrypter(string label) => throw None(label);

        public void Destroy(string label) => throw None(label);

        public void Dispose()
        {
        }

        private static PkiException None(string label) => new(PkiErrorCodes.KeyOutsideZone, $"this process opened no key store; key '{label}' is not reachable from it");
    }
}
