using System.Text.Json;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Hosting;

/// <summary>
/// The data directory: pki.json, the SQLite database, software keys, profiles and the published
/// certificates and CRLs. Chosen by --data, else PKI_DATA, else ./.pki.
/// </summary>
public sealed class DataDirectory(string path)
{
    public const string EnvironmentVariable = "PKI_DATA";

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string ConfigFile => Combine("pki.json");

    public string PassphraseFile => Combine("passphrase");

    public string ProfilesDirectory => Combine("profiles");

    public string PublishDirectory => Combine("publish");

    public string CrlDirectory => Combine("publish", "crl");

    public string CaDirectory => Combine("publish", "ca");

    public bool IsInitialised => File.Exists(ConfigFile);

    public static DataDirectory FromOption(string? option) =>
        new(option ?? Environment.GetEnvironmentVariable(EnvironmentVariable) ?? ".pki");

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string Resolve(string relativeOrAbsolute) =>
        System.IO.Path.IsPathRooted(relativeOrAbsolute) ? relativeOrAbsolute : Combine(relativeOrAbsolute);

    /// <summary>pki.json, with the database connection replaced where a host is given its zone's own role (issue 10: Database:ConnectionString).</summary>
    public PkiConfig LoadConfig(string? databaseConnection)
    {
        var config = LoadConfig();
        if (!string.IsNullOrWhiteSpace(databaseConnection))
        {
            config.Database.ConnectionString = databaseConnection;
        }

        return config;
    }

    public PkiConfig LoadConfig()
    {
        if (!IsInitialised)
        {
            throw new PkiException(CaErrorCodes.NotInitialised, $"no PKI in {Path}: run 'pki init' (or pass --data / set {EnvironmentVariable})");
        }

        PkiConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(File.ReadAllBytes(ConfigFile), PkiConfigJsonContext.Default.PkiConfig);
        }
        catch (JsonException ex)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"{ConfigFile}: invalid at {ex.Path ?? "top level"}: {ex.Message.Split(". ")[0]}");
        }

        if (config is null)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"{ConfigFile} is empty");
        }

        config.Ca.Validate(ConfigFile);
        if (config.KeyStore.Type is not ("software" or "pkcs11"))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"{ConfigFile}: keyStore.type must be 'software' or 'pkcs11'");
        }

        if (config.KeyStore.Type == "pkcs11" && string.IsNullOrWhiteSpace(config.KeyStore.Pkcs11?.TokenLabel))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"{ConfigFile}: keyStore.pkcs11.tokenLabel is required for a pkcs11 key store");
        }

        return config;
    }

    public void SaveConfig(PkiConfig config) =>
        WriteOwnerOnly(ConfigFile, JsonSerializer.SerializeToUtf8Bytes(config, PkiConfigJsonContext.Default.PkiConfig));

    /// <summary>
    /// Trust-model item 13: the data directory holds personal data and key material, so it is 0700 and the SQLite
    /// database (with its journal files) 0600, whatever the umask made of them. Applied each time a process opens it.
    /// </summary>
    public void RestrictPermissions()
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(Path))
        {
            return;
        }

        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in Directory.EnumerateFiles(Path, "*.db*"))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Writes a file only its owner can read (0600), replacing it atomically.</summary>
    public static void WriteOwnerOnly(string file, byte[] content)
    {
        var temp = file + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(content);
        }

        File.Move(temp, file, overwrite: true);
    }
}
