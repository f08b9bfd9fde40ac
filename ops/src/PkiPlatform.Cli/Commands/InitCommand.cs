using PkiPlatform.CaCore.Hosting;
using System.CommandLine;
using Microsoft.Data.Sqlite;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Configuration;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Profiles;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki init</c>: builds the whole data directory in a staging folder beside it and renames it into
/// place only when everything succeeded, so a failed init leaves nothing behind.
/// </summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var algorithm = new Option<string>("--algorithm") { Description = $"Key type of both CAs: {KeyAlgorithmNames.Accepted}", DefaultValueFactory = _ => "ec-p256" };
        var rootAlgorithm = new Option<string?>("--root-algorithm") { Description = "Key type of the root CA (default: --algorithm)" };
        var issuingAlgorithm = new Option<string?>("--issuing-algorithm") { Description = "Key type of the issuing CA (default: --algorithm)" };
        var organization = new Option<string>("--organization") { Description = "O of the CA names", DefaultValueFactory = _ => "HRSS PKI" };
        var baseUrl = new Option<string>("--base-url") { Description = "Where the OCSP responder and CRL/CA distribution listen (written into AIA and CDP)", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var provider = new Option<string>("--database-provider") { Description = "sqlite or postgres", DefaultValueFactory = _ => "sqlite" };
        var connection = new Option<string?>("--database") { Description = "Connection string (default for sqlite: ca.db in the data directory)" };
        var keyStore = new Option<string>("--key-store") { Description = "software or pkcs11", DefaultValueFactory = _ => "software" };
        var module = new Option<string>("--pkcs11-module") { Description = "PKCS#11 module", DefaultValueFactory = _ => "/usr/lib/softhsm/libsofthsm2.so" };
        var token = new Option<string?>("--pkcs11-token") { Description = "PKCS#11 token label" };
        var pinFile = new Option<string?>("--pkcs11-pin-file") { Description = "File holding the token user PIN (or set PKI_HSM_PIN)" };
        var allowedDomains = new Option<string?>("--allowed-domains") { Description = "Comma-separated DNS suffixes server and business-system certificates may name (default: localhost); given, the issuing CA also carries them as name constraints" };
        var allowedAddresses = new Option<string?>("--allowed-addresses") { Description = "Comma-separated address ranges (CIDR) iPAddress names may come from (default: 127.0.0.0/8,::1/128); given, also name constraints of the issuing CA" };
        var kdfCost = new Option<int>("--kdf-cost") { Description = "scrypt cost log2(N) for software keys (16 = 64 MiB)", DefaultValueFactory = _ => 16 };

        var command = new Command("init", "Create a root CA and an issuing CA, the default profiles and configuration")
        {
            algorithm, rootAlgorithm, issuingAlgorithm, organization, baseUrl, provider, connection, keyStore, module, token, pinFile, kdfCost, allowedDomains, allowedAddresses,
        };
        command.SetRun(async (result, cancellationToken) =>
        {
            var target = CliOptions.DataOf(result);
            if (target.IsInitialised)
            {
                throw new PkiException(PkiPlatform.CaCore.CaErrorCodes.AlreadyInitialised, $"{target.Path} already holds a PKI; choose another --data directory");
            }

            if (Directory.Exists(target.Path) && Directory.EnumerateFileSystemEntries(target.Path).Any())
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"{target.Path} is not empty and holds no PKI; choose an empty or new directory");
            }

            var url = result.GetValue(baseUrl)!.TrimEnd('/');
            static List<string>? Split(string? list) => list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            var config = new PkiConfig
            {
                Database = new DatabaseOptions
                {
                    Provider = result.GetValue(provider)!,
                    ConnectionString = result.GetValue(connection) ?? "Data Source=ca.db",
                },
                KeyStore = new KeyStoreConfig
                {
                    Type = result.GetValue(keyStore)!,
                    ScryptLog2N = result.GetValue(kdfCost),
                    Pkcs11 = result.GetValue(keyStore) == "pkcs11"
                        ? new Pkcs11Config { Module = result.GetValue(module)!, TokenLabel = result.GetValue(token) ?? "", PinFile = result.GetValue(pinFile) }
                        : null,
                },
                Ca = new CaOptions { OcspUrl = $"{url}/ocsp", CrlBaseUrl = $"{url}/crl", CaIssuersBaseUrl = $"{url}/ca" },
            };
            if (Split(result.GetValue(allowedDomains)) is { } domains)
            {
                config.Ca.AllowedDomains = domains;
            }

            if (Split(result.GetValue(allowedAddresses)) is { } addresses)
            {
                config.Ca.AllowedAddresses = addresses;
            }

            var fallback = KeyAlgorithmNames.Parse(result.GetValue(algorithm)!);
            var setup = new AuthoritySetup
            {
                RootAlgorithm = result.GetValue(rootAlgorithm) is { } r ? KeyAlgorithmNames.Parse(r) : fallback,
                IssuingAlgorithm = result.GetValue(issuingAlgorithm) is { } i ? KeyAlgorithmNames.Parse(i) : fallback,
                Organization = result.GetValue(organization)!,
                NameConstraints = result.GetValue(allowedDomains) is not null || result.GetValue(allowedAddresses) is not null,
            };

            var generated = await InitializeAsync(target, config, setup, result.GetValue(CliOptions.PassphraseFile), CliOptions.ActorOf(result, "cli:init"), cancellationToken);
            Report(target, config, setup, generated);
            return 0;
        });
        return command;
    }

    /// <summary>Creates the PKI in <paramref name="target"/>; returns whether an evaluation passphrase was generated.</summary>
    public static async Task<bool> InitializeAsync(DataDirectory target, PkiConfig config, AuthoritySetup setup, string? passphraseFile, string actor, CancellationToken cancellationToken)
    {
        var staging = new DataDirectory($"{target.Path.TrimEnd('/')}.init-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(staging.Path);
        try
        {
            config.Ca.Validate("--base-url");
            Directory.CreateDirectory(staging.ProfilesDirectory);
            foreach (var (name, content) in ProfileCatalog.DefaultFiles())
            {
                await File.WriteAllBytesAsync(Path.Combine(staging.ProfilesDirectory, name), content, cancellationToken);
            }

            string? passphrase = null;
            var generated = false;
            if (config.KeyStore.Type == "software")
            {
                passphrase = PassphraseSource.ForNew(staging, passphraseFile, out generated);
            }

            staging.SaveConfig(config);
            _ = staging.LoadConfig(); // the same validation later commands apply
            using (var runtime = await PkiRuntime.OpenAsync(staging, config, passphrase, TimeProvider.System, cancellationToken))
            {
                await runtime.Ca.Initializer.InitializeAsync(setup, actor, cancellationToken);
                await CaPublisher.PublishAsync(runtime, cancellationToken);
                await runtime.Ca.Crls.PublishAllAsync(delta: false, actor, cancellationToken);
            }

            SqliteConnection.ClearAllPools();
            Directory.Move(staging.Path, target.Path);
            return generated;
        }
        catch
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(staging.Path, recursive: true);
            throw;
        }
    }

    public static void Report(DataDirectory data, PkiConfig config, AuthoritySetup setup, bool generatedPassphrase)
    {
        Console.WriteLine($"PKI initialised in {data.Path}");
        Console.WriteLine($"  root CA     ({setup.RootAlgorithm.ToName()}): {Path.Combine(data.CaDirectory, "root.pem")}");
        Console.WriteLine($"  issuing CA  ({setup.IssuingAlgorithm.ToName()}): {Path.Combine(data.CaDirectory, config.Ca.IssuingAuthority + ".pem")}");
        Console.WriteLine($"  chain:      {Path.Combine(data.CaDirectory, "chain.pem")}");
        Console.WriteLine($"  CRLs:       {data.CrlDirectory}");
        Console.WriteLine($"  profiles:   {data.ProfilesDirectory}");
        Console.WriteLine($"  database:   {config.Database.Provider}; key store: {config.KeyStore.Type}");
        Console.WriteLine(setup.NameConstraints
            ? $"  name constraints in the issuing CA: {NameScope.From(config.Ca).Description}"
            : "  no name constraints in the issuing CA (give --allowed-domains / --allowed-addresses to add them)");
        Console.WriteLine($"  OCSP/CDP/AIA in certificates: {config.Ca.OcspUrl}, {config.Ca.CrlUrl(config.Ca.IssuingAuthority)}, {config.Ca.CaIssuersUrl(config.Ca.IssuingAuthority)}");
        Console.WriteLine("Next: pki issue --profile staff-auth --csr request.csr --out cert.pem");
        if (generatedPassphrase)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine("*** WARNING: EVALUATION ONLY ***");
            Console.Error.WriteLine($"No passphrase was given and there is no terminal, so a random key-store passphrase was generated");
            Console.Error.WriteLine($"and stored in {data.PassphraseFile} (mode 0600). Anyone who can read that file can use the CA keys.");
            Console.Error.WriteLine($"For production use --passphrase-file, ${PassphraseSource.EnvironmentVariable}, or --key-store pkcs11.");
        }
    }
}
