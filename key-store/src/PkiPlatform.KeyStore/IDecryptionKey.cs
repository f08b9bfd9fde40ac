using System.Security.Cryptography;

namespace PkiPlatform.KeyStore;

/// <summary>
/// A private key that unwraps content-encryption keys, whatever holds it: RSA-OAEP decryption of a
/// key-transport recipient, or the raw ECDH shared secret of a key-agreement recipient (the caller
/// derives the key-encryption key; the private key never leaves the store).
/// </summary>
public interface IDecryptionKey
{
    KeyInfo Info { get; }

    /// <summary>RSAES-OAEP (RFC 8017 §7.1) with MGF1 over the same hash.</summary>
    byte[] DecryptOaep(ReadOnlySpan<byte> encrypted, HashAlgorithmName hash);

    /// <summary>The ECDH shared secret Z (the x-coordinate) with the peer's public key (SubjectPublicKeyInfo DER).</summary>
    byte[] AgreeEcdh(ReadOnlySpan<byte> peerSubjectPublicKeyInfo);

    /// <summary>SM2 decryption (GM/T 0003.4) of a DER SM2Cipher (GM/T 0009 §7.2), e.g. a GM/T 0010 recipient's encrypted key.</summary>
    byte[] DecryptSm2(ReadOnlySpan<byte> sm2Cipher) =>
        throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"key '{Info.Label}' ({Info.Algorithm.ToName()}) cannot decrypt SM2 ciphertext: that needs an SM2 key in a store with SM2 (the software store; SoftHSM2 has no SM2)");
}
