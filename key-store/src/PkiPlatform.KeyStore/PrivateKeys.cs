using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace PkiPlatform.KeyStore;

/// <summary>What a private key says of its public half (to check a delivered key against its certificate, or to store both halves).</summary>
public static class PrivateKeys
{
    /// <summary>The public key of an RSA (CRT) or EC private key, with the same domain parameters (a named curve stays named).</summary>
    public static AsymmetricKeyParameter PublicKeyOf(AsymmetricKeyParameter privateKey) => privateKey switch
    {
        RsaPrivateCrtKeyParameters rsa => new RsaKeyParameters(false, rsa.Modulus, rsa.PublicExponent),
        ECPrivateKeyParameters ec => new ECPublicKeyParameters(ec.Parameters.G.Multiply(ec.D).Normalize(), ec.Parameters),
        _ => throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"a {privateKey.GetType().Name} key is not supported here (RSA or EC)"),
    };
}
