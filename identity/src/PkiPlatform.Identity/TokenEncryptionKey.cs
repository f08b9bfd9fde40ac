using System.Security.Cryptography;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Hosting;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Identity;

/// <summary>
/// The AES-256 key that encrypts the provider's own codes and refresh tokens (A256KW), kept across restarts: stored in
/// a file only wrapped (RSAES-OAEP with SHA-1, the one OAEP SoftHSM2 offers) by an RSA key of the identity zone in the
/// key store (<c>oidc-encryption-…</c>, purpose decryption), and unwrapped by the key store at start. The clear key
/// lives only in the provider's memory; a file that does not unwrap is an error, never silently replaced.
/// </summary>
public static class TokenEncryptionKey
{
    public const string LabelPrefix = "oidc-encryption-";

    public static byte[] LoadOrCreate(CertificateAuthority ca, string file)
    {
        ArgumentNullException.ThrowIfNull(ca);
        var label = ca.Keys.List().Where(k => k.Label.StartsWith(LabelPrefix, StringComparison.Ordinal)).Select(k => k.Label).OrderDescending(StringComparer.Ordinal).FirstOrDefault();
        if (File.Exists(file))
        {
            if (label is null)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"{file} holds a wrapped token-encryption key but the key store has no {LabelPrefix}… key to unwrap it; restore the key store or delete the file (outstanding codes and refresh tokens are then lost)");
            }

            try
            {
                var key = ca.Keys.GetDecrypter(label).DecryptOaep(File.ReadAllBytes(file), HashAlgorithmName.SHA1);
                return key.Length == 32 ? key : throw new CryptographicException("not a 256-bit key");
            }
            catch (CryptographicException ex)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"{file} does not unwrap with key {label} ({ex.Message}); restore the matching key store or delete the file", ex);
            }
        }

        label ??= LabelPrefix + ca.Clock.GetUtcNow().ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var info = ca.Keys.List().FirstOrDefault(k => k.Label == label) ?? ca.Keys.Generate(label, KeyAlgorithm.Rsa3072, KeyPurpose.Decryption);
        var secret = RandomNumberGenerator.GetBytes(32);
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(info.SubjectPublicKeyInfo, out _);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        DataDirectory.WriteOwnerOnly(file, rsa.Encrypt(secret, RSAEncryptionPadding.OaepSHA1));
        return secret;
    }
}
