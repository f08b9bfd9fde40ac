using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PkiPlatform.KeyStore.Software;

/// <summary>
/// Software key custody: one file per key, PKCS#8 sealed with AES-256-GCM under a key derived from
/// the operator passphrase with scrypt. Plaintext key buffers are zeroed as soon as the key is
/// loaded into the signing library.
/// </summary>
public sealed class SoftwareKeyStore : IKeyStore
{
    private const string StoreFileName = "keystore.json";
    private static readonly byte[] CheckValue = "PkiPlatform key store v1"u8.ToArray();

    private readonly SoftwareKeyStoreOptions _options;
    private readonly ScryptKdf _kdf;
    private readonly KeyFile _store;
    private readonly ConcurrentDictionary<string, SoftwareSigningKey> _loaded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SoftwareDecryptionKey> _decrypters = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();

    /// <summary>Opens (or creates) the store and checks the passphrase at once.</summary>
    public SoftwareKeyStore(SoftwareKeyStoreOptions options)
    {
        _options = options;
        _kdf = new ScryptKdf(options.Passphrase);
        Directory.CreateDirectory(options.Directory);
        var storePath = Path.Combine(options.Directory, StoreFileName);
        if (File.Exists(storePath))
        {
            _store = ReadKeyFile(storePath);
            Open(_store); // throws WrongPassphrase
        }
        else
        {
            _store = Seal(new KeyFile { Label = "keystore", Algorithm = "check" }, CheckValue, NewSaltParameters());
            WriteAtomically(storePath, _store);
        }
    }

    public string Backend => "software";

    /// <remarks>A software key serves either purpose; <paramref name="purpose"/> matters to HSMs.</remarks>
    public KeyInfo Generate(string label, KeyAlgorithm algorithm, KeyPurpose purpose = KeyPurpose.Signing)
    {
        KeyLabel.Validate(label);
        var (pkcs8, spki) = SoftwareKeyMaterial.Generate(algorithm);
        try
        {
            var file = Seal(
                new KeyFile { Label = label, Algorithm = algorithm.ToName(), PublicKey = Convert.ToBase64String(spki) },
                pkcs8,
                (Convert.FromBase64String(_store.Salt), _store.Log2N, _store.R, _store.P));
            lock (_writeLock)
            {
                var path = KeyPath(label);
                if (File.Exists(path))
                {
                    throw new PkiException(PkiErrorCodes.KeyExists, $"a key labelled '{label}' already exists in {_options.Directory}");
                }

                WriteAtomically(path, file);
            }

            return new KeyInfo(label, algorithm, spki, Backend);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    public KeyInfo Get(string label)
    {
        KeyLabel.Validate(label);
        return ToInfo(ReadKeyFile(ExistingKeyPath(label)));
    }

    public IReadOnlyList<KeyInfo> List() =>
        Directory.EnumerateFiles(_options.Directory, "*.key.json")
            .Select(path => ToInfo(ReadKeyFile(path)))
            .OrderBy(info => info.Label, StringComparer.Ordinal)
            .ToList();

    public ISigningKey GetSigner(string label) =>
        Load(_loaded, label, (info, pkcs8) => (SoftwareSigningKey)SoftwareKeyMaterial.Load(info, pkcs8));

    public IDecryptionKey GetDecrypter(string label) =>
        Load(_decrypters, label, (info, pkcs8) => new SoftwareDecryptionKey(info, pkcs8));

    /// <summary>Unseals the key once per use (signing, decryption) and keeps the loaded form; the PKCS#8 is zeroed.</summary>
    private T Load<T>(ConcurrentDictionary<string, T> loaded, string label, Func<KeyInfo, byte[], T> create)
        where T : class
    {
        if (loaded.TryGetValue(label, out var cached))
        {
            return cached;
        }

        KeyLabel.Validate(label);
        var file = ReadKeyFile(ExistingKeyPath(label));
        var pkcs8 = Open(file);
        try
        {
            return loaded.GetOrAdd(label, create(ToInfo(file), pkcs8));
        }
        catch (CryptographicException ex)
        {
            throw new PkiException(PkiErrorCodes.CorruptKey, $"key '{label}' decrypted but is not a valid {file.Algorithm} key", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    public void Destroy(string label)
    {
        KeyLabel.Validate(label);
        lock (_writeLock)
        {
            var path = ExistingKeyPath(label);
            // Overwrite before unlinking so the sealed key does not linger in the same blocks.
            var length = new FileInfo(path).Length;
            File.WriteAllBytes(path, new byte[length]);
            File.Delete(path);
        }

        if (_loaded.TryRemove(label, out var signer))
        {
            signer.Dispose();
        }

        if (_decrypters.TryRemove(label, out var decrypter))
        {
            decrypter.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var signer in _loaded.Values)
        {
            signer.Dispose();
        }

        foreach (var decrypter in _decrypters.Values)
        {
            decrypter.Dispose();
        }

        _loaded.Clear();
        _decrypters.Clear();
        _kdf.Dispose();
    }

    private (byte[] Salt, int Log2N, int R, int P) NewSaltParameters() =>
        (RandomNumberGenerator.GetBytes(16), _options.ScryptLog2N, ScryptKdf.R, ScryptKdf.P);

    private KeyFile Seal(KeyFile file, byte[] plaintext, (byte[] Salt, int Log2N, int R, int P) kdf)
    {
        var key = _kdf.Derive(kdf.Salt, kdf.Log2N, kdf.R, kdf.P);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(file.Label, file.Algorithm));
        }

        file.Log2N = kdf.Log2N;
        file.R = kdf.R;
        file.P = kdf.P;
        file.Salt = Convert.ToBase64String(kdf.Salt);
        file.Nonce = Convert.ToBase64String(nonce);
        file.Ciphertext = Convert.ToBase64String(ciphertext);
        file.Tag = Convert.ToBase64String(tag);
        return file;
    }

    /// <summary>Decrypts a sealed file; the caller zeroes the result.</summary>
    private byte[] Open(KeyFile file)
    {
        byte[] salt, nonce, ciphertext, tag;
        try
        {
            salt = Convert.FromBase64String(file.Salt);
            nonce = Convert.FromBase64String(file.Nonce);
            ciphertext = Convert.FromBase64String(file.Ciphertext);
            tag = Convert.FromBase64String(file.Tag);
        }
        catch (FormatException ex)
        {
            throw new PkiException(PkiErrorCodes.CorruptKey, $"key file for '{file.Label}' is damaged (bad base64)", ex);
        }

        var key = _kdf.Derive(salt, file.Log2N, file.R, file.P);
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var gcm = new AesGcm(key, 16);
            gcm.Decrypt(nonce, ciphertext, tag, plaintext, AssociatedData(file.Label, file.Algorithm));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new PkiException(PkiErrorCodes.WrongPassphrase,
                $"wrong key-store passphrase for {_options.Directory} (or the file for '{file.Label}' was altered)", ex);
        }
        catch (ArgumentException ex)
        {
            throw new PkiException(PkiErrorCodes.CorruptKey, $"key file for '{file.Label}' is damaged", ex);
        }
    }

    private static byte[] AssociatedData(string label, string algorithm) => Encoding.UTF8.GetBytes($"{label}\n{algorithm}");

    private KeyInfo ToInfo(KeyFile file) =>
        new(file.Label, KeyAlgorithmNames.Parse(file.Algorithm), Convert.FromBase64String(file.PublicKey), Backend);

    private string KeyPath(string label) => Path.Combine(_options.Directory, label + ".key.json");

    private string ExistingKeyPath(string label)
    {
        var path = KeyPath(label);
        return File.Exists(path)
            ? path
            : throw new PkiException(PkiErrorCodes.KeyNotFound, $"no key labelled '{label}' in the software key store {_options.Directory}");
    }

    private static KeyFile ReadKeyFile(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), KeyFileJsonContext.Default.KeyFile)
                ?? throw new PkiException(PkiErrorCodes.CorruptKey, $"key file {path} is empty");
        }
        catch (JsonException ex)
        {
            throw new PkiException(PkiErrorCodes.CorruptKey, $"key file {path} is not valid JSON: {ex.Message}", ex);
        }
    }

    private static void WriteAtomically(string path, KeyFile file)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, file, KeyFileJsonContext.Default.KeyFile);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: false);
    }
}
