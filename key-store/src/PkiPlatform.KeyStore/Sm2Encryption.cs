using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace PkiPlatform.KeyStore;

/// <summary>
/// SM2 public-key encryption (GM/T 0003.4) in the ASN.1 form of GM/T 0009 §7.2:
/// <c>SM2Cipher ::= SEQUENCE { XCoordinate INTEGER, YCoordinate INTEGER, HASH OCTET STRING (SM3, 32 bytes), CipherText OCTET STRING }</c>
/// — C1 (the ephemeral point), C3 (SM3 over x2 ‖ M ‖ y2), C2 (M under the KDF stream), in that order. What the KMC's
/// SM2EnvelopedKey and GM/T 0010 envelopedData carry, and what <c>openssl pkeyutl -decrypt</c> opens.
/// </summary>
public static class Sm2Encryption
{
    /// <summary>Encrypts <paramref name="plaintext"/> to <paramref name="recipient"/>: the DER SM2Cipher.</summary>
    /// <remarks>
    /// GM/T 0003.4 §6.1 on the allocation-free curve arithmetic: k uniform in [1, n−1] from the OS CSPRNG, C1 = k·G,
    /// (x2, y2) = k·P_B, t = KDF(x2 ‖ y2, 8·|M|) with SM3, C2 = M ⊕ t (a new k if t is all zero), C3 = SM3(x2 ‖ M ‖ y2).
    /// The cofactor is 1, so the check h·P_B ≠ O is the on-curve check of P_B. Decryption stays on BouncyCastle's
    /// SM2Engine, so every round trip in the tests crosses two implementations.
    /// </remarks>
    public static Asn1Sequence Encrypt(ECPublicKeyParameters recipient, byte[] plaintext)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(plaintext);
        Curves.Sm2Domain.Require(recipient.Parameters);
        if (plaintext.Length == 0)
        {
            throw new ArgumentException("SM2 encryption needs at least one byte of plaintext", nameof(plaintext));
        }

        var q = recipient.Q.Normalize();
        var qx = q.AffineXCoord.GetEncoded();
        var qy = q.AffineYCoord.GetEncoded();
        Span<byte> k = stackalloc byte[32];
        Span<byte> x1 = stackalloc byte[32];
        Span<byte> y1 = stackalloc byte[32];
        Span<byte> shared = stackalloc byte[64]; // x2 ‖ y2
        var c2 = new byte[plaintext.Length];
        try
        {
            while (true)
            {
                System.Security.Cryptography.RandomNumberGenerator.Fill(k);
                if (!Curves.Sm2Curve.IsScalar(k))
                {
                    continue;
                }

                Curves.Sm2Curve.MultiplyGenerator(k, x1, y1);
                if (!Curves.Sm2Curve.TryMultiply(qx, qy, k, shared[..32], shared[32..]))
                {
                    throw new ArgumentException("the recipient's SM2 public key is not a point of sm2p256v1", nameof(recipient));
                }

                Kdf(shared, c2);
                var any = 0;
                for (var i = 0; i < c2.Length; i++)
                {
                    any |= c2[i];
                    c2[i] ^= plaintext[i];
                }

                if (any == 0)
                {
                    continue; // t all zero: GM/T 0003.4 §6.1 A5 asks for a new k
                }

                var c3 = new byte[32];
                var digest = new SM3Digest();
                digest.BlockUpdate(shared[..32]);
                digest.BlockUpdate(plaintext);
                digest.BlockUpdate(shared[32..]);
                digest.DoFinal(c3, 0);
                return new DerSequence(
                    new DerInteger(new BigInteger(1, x1)),
                    new DerInteger(new BigInteger(1, y1)),
                    new DerOctetString(c3),
                    new DerOctetString(c2));
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(k);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(shared);
        }
    }

    /// <summary>The key derivation function of GM/T 0003.4 §5.4.3: SM3(Z ‖ ct) for ct = 1, 2, … (32-bit big-endian), concatenated.</summary>
    private static void Kdf(ReadOnlySpan<byte> z, Span<byte> output)
    {
        var digest = new SM3Digest();
        Span<byte> counter = stackalloc byte[4];
        Span<byte> block = stackalloc byte[32];
        var ct = 1u;
        for (var offset = 0; offset < output.Length; offset += 32, ct++)
        {
            digest.BlockUpdate(z);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(counter, ct);
            digest.BlockUpdate(counter);
            digest.DoFinal(block);
            block[..Math.Min(32, output.Length - offset)].CopyTo(output[offset..]);
        }

        block.Clear();
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
