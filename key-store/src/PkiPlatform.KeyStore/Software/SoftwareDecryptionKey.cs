using System.Security.Cryptography;

namespace PkiPlatform.KeyStore.Software;

/// <summary>RSA-OAEP and ECDH with a software key, through .NET's OpenSSL-backed primitives; SM2 decryption through BouncyCastle.</summary>
internal sealed class SoftwareDecryptionKey : IDecryptionKey, IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDiffieHellman? _ecdh;
    private readonly Org.BouncyCastle.Crypto.Parameters.ECPrivateKeyParameters? _sm2;

    public SoftwareDecryptionKey(KeyInfo info, byte[] pkcs8)
    {
        Info = info;
        switch (info.Algorithm)
        {
            case KeyAlgorithm.EcP256:
            case KeyAlgorithm.EcP384:
                _ecdh = ECDiffieHellman.Create();
                _ecdh.ImportPkcs8PrivateKey(pkcs8, out _);
                break;
            case KeyAlgorithm.Sm2:
                _sm2 = (Org.BouncyCastle.Crypto.Parameters.ECPrivateKeyParameters)Org.BouncyCastle.Security.PrivateKeyFactory.CreateKey(pkcs8);
                break;
            default:
                _rsa = RSA.Create();
                _rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                break;
        }
    }

    public KeyInfo Info { get; }

    public byte[] DecryptOaep(ReadOnlySpan<byte> encrypted, HashAlgorithmName hash)
    {
        if (_rsa is null)
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"key '{Info.Label}' is {Info.Algorithm.ToName()}, not RSA: it cannot decrypt a key-transport (RSA-OAEP) recipient");
        }

        return _rsa.Decrypt(encrypted.ToArray(), RSAEncryptionPadding.CreateOaep(hash));
    }

    public byte[] AgreeEcdh(ReadOnlySpan<byte> peerSubjectPublicKeyInfo)
    {
        if (_ecdh is null)
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"key '{Info.Label}' is {Info.Algorithm.ToName()}: ECDH key agreement needs a P-256 or P-384 key");
        }

        using var peer = ECDiffieHellman.Create();
        peer.ImportSubjectPublicKeyInfo(peerSubjectPublicKeyInfo, out _);
        return _ecdh.DeriveRawSecretAgreement(peer.PublicKey);
    }

    public byte[] DecryptSm2(ReadOnlySpan<byte> sm2Cipher) => _sm2 is null
        ? throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"key '{Info.Label}' is {Info.Algorithm.ToName()}, not SM2: it cannot decrypt SM2 ciphertext")
        : Sm2Encryption.Decrypt(_sm2, sm2Cipher);

    public void Dispose()
    {
        _rsa?.Dispose();
        _ecdh?.Dispose();
    }
}
