using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Keys;

namespace PkiPlatform.Identity;

/// <summary>
/// The AES-256 key that encrypts the provider's own codes and refresh tokens (A256KW), kept across restarts as a
/// <see cref="WrappedSecret"/>: the file holds it only wrapped by an RSA key of the identity zone (<c>oidc-encryption-…</c>).
/// </summary>
public static class TokenEncryptionKey
{
    public const string LabelPrefix = "oidc-encryption-";

    public static byte[] LoadOrCreate(CertificateAuthority ca, string file)
    {
        ArgumentNullException.ThrowIfNull(ca);
        return WrappedSecret.LoadOrCreate(ca.Keys, ca.Clock, LabelPrefix, file, "token-encryption key (outstanding codes and refresh tokens)");
    }
}
