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

    public static async Task<PkiRuntime> OpenAsync(DataDirectory data, PkiConfig config, string? passphrase, TimeProvider clock, CancellationToken cancellationToken)
    {
        var profiles = new ProfileCatalog(ProfileLoader.LoadDirectory(data.ProfilesDirectory));
        data.RestrictPermissions();
        var database = new CaDatabase(ResolveDatabase(data, config.Database));
        await database.MigrateAsync(cancellationToken);
        data.RestrictPermissions(); // a database file the migration just created
        var keys = OpenKeyStore(data, config.KeyStore, passphrase);
        try
        {
            var ca = new CertificateAuthority(database, keys, profiles, config.Ca, clock, data.CrlDirectory);
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
}
