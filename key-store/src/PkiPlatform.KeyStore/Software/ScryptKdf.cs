using System.Collections.Concurrent;
using System.Text;
using Org.BouncyCastle.Crypto.Generators;

namespace PkiPlatform.KeyStore.Software;

/// <summary>
/// scrypt (RFC 7914), memory-hard, with the derived keys of this process cached by salt and cost so
/// that a store derives once, not once per key.
/// </summary>
internal sealed class ScryptKdf : IDisposable
{
    public const int R = 8;
    public const int P = 1;

    private readonly byte[] _passphrase;
    private readonly ConcurrentDictionary<string, byte[]> _derived = new();

    public ScryptKdf(string passphrase)
    {
        if (string.IsNullOrEmpty(passphrase))
        {
            throw new PkiException(PkiErrorCodes.WrongPassphrase, "the key-store passphrase is empty");
        }

        _passphrase = Encoding.UTF8.GetBytes(passphrase);
    }

    public byte[] Derive(byte[] salt, int log2N, int r, int p)
    {
        if (log2N is < 10 or > 22 || r is < 1 or > 32 || p is < 1 or > 16)
        {
            throw new PkiException(PkiErrorCodes.CorruptKey, $"scrypt parameters out of range (log2N={log2N}, r={r}, p={p})");
        }

        var cacheKey = $"{Convert.ToBase64String(salt)}:{log2N}:{r}:{p}";
        return _derived.GetOrAdd(cacheKey, _ => SCrypt.Generate(_passphrase, salt, 1 << log2N, r, p, 32));
    }

    public void Dispose()
    {
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(_passphrase);
        foreach (var key in _derived.Values)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        }

        _derived.Clear();
    }
}
