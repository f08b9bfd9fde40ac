using System.Security.Cryptography;
using PkiPlatform.CaCore.Hosting;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Keys;

/// <summary>
/// A 256-bit secret a zone keeps across restarts (the identity provider's token-encryption key, the KMC's master key):
/// stored in a file only wrapped (RSAES-OAEP with SHA-1, the one OAEP SoftHSM2 offers) by an RSA-3072 decryption key of
/// the zone in the key store (<c>{prefix}yyyyMMddHHmmss</c>), and unwrapped by the key store at start. The clear secret
/// lives only in the zone's memory; a file that does not unwrap is an error, never silently replaced.
/// </summary>
public static class WrappedSecret
{
    /// <summary>The secret and the label of the key-store key that wraps it.</summary>
    public sealed record Unwrapped(byte[] Secret, string Label);

    public static byte[] LoadOrCreate(IKeyStore keys, TimeProvider clock, string labelPrefix, string file, string what) =>
        Load(keys, clock, labelPrefix, file, what).Secret;

    public static Unwrapped Load(IKeyStore keys, TimeProvider clock, string labelPrefix, string file, string what)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(clock);
        var label = keys.List().Where(k => k.Label.StartsWith(labelPrefix, StringComparison.Ordinal)).Select(k => k.Label).OrderDescending(StringComparer.Ordinal).FirstOrDefault();
        if (File.Exists(file))
        {
            if (label is null)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"{file} holds a wrapped {what} but the key store has no {labelPrefix}… key to unwrap it; restore the key store (deleting the file loses what the {what} protects)");
            }

            try
            {
                var key = keys.GetDecrypter(label).DecryptOaep(File.ReadAllBytes(file), HashAlgorithmName.SHA1);
                return key.Length == 32 ? new Unwrapped(key, label) : throw new CryptographicException("not a 256-bit key");
            }
            catch (CryptographicException ex)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"{file} does not unwrap with key {label} ({ex.Message}); restore the matching key store", ex);
            }
        }

        label ??= labelPrefix + clock.GetUtcNow().ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var info = keys.List().FirstOrDefault(k => k.Label == label) ?? keys.Generate(label, KeyAlgorithm.Rsa3072, KeyPurpose.Decryption);
        var secret = RandomNumberGenerator.GetBytes(32);
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(info.SubjectPublicKeyInfo, out _);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        DataDirectory.WriteOwnerOnly(file, rsa.Encrypt(secret, RSAEncryptionPadding.OaepSHA1));
        return new Unwrapped(secret, label);
    }
}
