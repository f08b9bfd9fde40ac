using System.Collections.Concurrent;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.X509;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// Decoded public keys by certificate. BouncyCastle re-validates an RSA modulus (a probable-prime test,
/// ~7 ms for 2048 bits) every time a certificate's key is decoded; signers recur, so decode each once.
/// </summary>
internal static class PublicKeys
{
    private const int MaxEntries = 10_000;
    private static readonly ConcurrentDictionary<string, AsymmetricKeyParameter> Decoded = new(StringComparer.Ordinal);

    public static AsymmetricKeyParameter Of(X509Certificate certificate)
    {
        // The certificate's signature value identifies it without re-encoding it.
        var id = Convert.ToBase64String(certificate.GetSignature());
        if (Decoded.TryGetValue(id, out var key))
        {
            return key;
        }

        if (Decoded.Count >= MaxEntries)
        {
            Decoded.Clear();
        }

        return Decoded[id] = certificate.GetPublicKey();
    }
}
