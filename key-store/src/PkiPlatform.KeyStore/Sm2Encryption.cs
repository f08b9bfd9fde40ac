using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace PkiPlatform.KeyStore;

/// <summary>
/// SM2 public-key encryption (GM/T 0003.4) in the ASN.1 form of GM/T 0009 §7.2:
/// <c>SM2Cipher ::= SEQUENCE { XCoordinate INTEGER, YCoordinate INTEGER, HASH OCTET STRING (SM3, 32 bytes), CipherText OCTET STRING }</c>
/// — C1 (the ephemeral point), C3 (SM3 over x2 ‖ M ‖ y2), C2 (M under the KDF stream), in that order. What the KMC's
/// SM2EnvelopedKey and GM/T 0010 envelopedData carry, and what <c>openssl pkeyutl -decrypt</c> opens.
/// </summary>
public static class Sm2Encryption
{
    [ThreadStatic]
    private static SecureRandom? _random;

    /// <summary>Encrypts <paramref name="plaintext"/> to <paramref name="recipient"/>: the DER SM2Cipher.</summary>
    public static Asn1Sequence Encrypt(ECPublicKeyParameters recipient, byte[] plaintext)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(plaintext);
        var engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
        engine.Init(true, new ParametersWithRandom(recipient, _random ??= new SecureRandom()));
        var raw = engine.ProcessBlock(plaintext, 0, plaintext.Length);
        // raw = 04 ‖ x1 (32) ‖ y1 (32) ‖ C3 (32) ‖ C2
        return new DerSequence(
            new DerInteger(new BigInteger(1, raw, 1, 32)),
            new DerInteger(new BigInteger(1, raw, 33, 32)),
            new DerOctetString(raw.AsSpan(65, 32).ToArray()),
            new DerOctetString(raw.AsSpan(97).ToArray()));
    }

    /// <summary>Decrypts a DER SM2Cipher with <paramref name="key"/>; a cipher for another key or altered fails the C3 check.</summary>
    /// <exception cref="PkiException">Not an SM2Cipher, or it does not decrypt with this key.</exception>
    public static byte[] Decrypt(ECPrivateKeyParameters key, ReadOnlySpan<byte> sm2Cipher)
    {
        ArgumentNullException.ThrowIfNull(key);
        var der = sm2Cipher.ToArray();
        var raw = MalformedInput.Parse(() =>
        {
            var cipher = Asn1Sequence.GetInstance(Asn1Object.FromByteArray(der)) ?? throw new ArgumentException("the SM2Cipher is empty");
            if (cipher.Count != 4)
            {
                throw new ArgumentException("an SM2Cipher has four fields");
            }

            var hash = Asn1OctetString.GetInstance(cipher[2]).GetOctets();
            var text = Asn1OctetString.GetInstance(cipher[3]).GetOctets();
            if (hash.Length != 32)
            {
                throw new ArgumentException("the SM2Cipher HASH is not 32 bytes");
            }

            var bytes = new byte[65 + 32 + text.Length];
            bytes[0] = 0x04;
            Coordinate(DerInteger.GetInstance(cipher[0]).PositiveValue).CopyTo(bytes, 1);
            Coordinate(DerInteger.GetInstance(cipher[1]).PositiveValue).CopyTo(bytes, 33);
            hash.CopyTo(bytes, 65);
            text.CopyTo(bytes, 97);
            return bytes;
        }, PkiErrorCodes.InvalidArgument, "not a DER SM2Cipher (GM/T 0009 §7.2)");
        try
        {
            var engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
            engine.Init(false, key);
            return engine.ProcessBlock(raw, 0, raw.Length);
        }
        catch (Exception ex) when (ex is Org.BouncyCastle.Crypto.CryptoException || MalformedInput.Is(ex))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "the SM2 ciphertext does not decrypt with this key (another recipient's, or altered)", ex);
        }
    }

    private static byte[] Coordinate(BigInteger value)
    {
        var bytes = value.ToByteArrayUnsigned();
        if (bytes.Length > 32)
        {
            throw new ArgumentException("an SM2Cipher coordinate exceeds 32 bytes");
        }

        var padded = new byte[32];
        bytes.CopyTo(padded, 32 - bytes.Length);
        return padded;
    }
}
