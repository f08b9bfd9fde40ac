using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Utilities;
using PkiPlatform.KeyStore.Curves;

namespace PkiPlatform.KeyStore.Signing;

/// <summary>
/// SM3withSM2 verification (GM/T 0003.2 §7.1) on the allocation-free <see cref="Sm2Curve"/>. BouncyCastle's SM2Signer
/// allocates ~400 KB per verification with a key it has not seen before (its wNAF precomputation and field arrays),
/// which is every CSR; this computes the same equation without allocating on the curve and at the same speed. Only
/// DER <c>SEQUENCE { r INTEGER, s INTEGER }</c> in its canonical encoding is accepted, as BouncyCastle's verifier does.
/// </summary>
public static class Sm2SignatureVerifier
{
    /// <summary>True when <paramref name="signature"/> is a valid SM3withSM2 signature of <paramref name="message"/> by <paramref name="key"/> with signer ID <paramref name="userId"/>.</summary>
    /// <remarks>False, never an exception, for a malformed signature, a key on another curve or a point off the curve.</remarks>
    public static bool Verify(ECPublicKeyParameters key, ReadOnlySpan<byte> userId, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.Parameters.Equals(Sm2Domain.Parameters) || key.Q.IsInfinity || !TryDecode(signature, out var r, out var s))
        {
            return false;
        }

        var n = Sm2Domain.Parameters.N;
        if (r.SignValue <= 0 || r.CompareTo(n) >= 0 || s.SignValue <= 0 || s.CompareTo(n) >= 0)
        {
            return false; // B1, B2: r, s in [1, n-1]
        }

        var t = r.Add(s).Mod(n);
        if (t.SignValue == 0)
        {
            return false; // B5
        }

        if (userId.Length > 8191)
        {
            return false; // ENTL is 16 bits of bit length
        }

        var q = key.Q.Normalize();
        var digest = new SM3Digest();
        var z = Sm2SigningKey.ZValue(Sm2Domain.Parameters, q, userId);
        digest.BlockUpdate(z);
        digest.BlockUpdate(message);
        var e = new byte[32];
        digest.DoFinal(e, 0);
        Span<byte> x1 = stackalloc byte[32];
        if (!Sm2Curve.TryCombinationX(BigIntegers.AsUnsignedByteArray(32, s), q.AffineXCoord.GetEncoded(), q.AffineYCoord.GetEncoded(), BigIntegers.AsUnsignedByteArray(32, t), x1))
        {
            return false; // Q off the curve, or s·G + t·Q = O
        }

        // B7: R = (e + x1) mod n must equal r
        return new BigInteger(1, e).Add(new BigInteger(1, x1)).Mod(n).Equals(r);
    }

    private static bool TryDecode(ReadOnlySpan<byte> signature, out BigInteger r, out BigInteger s)
    {
        r = s = BigInteger.Zero;
        try
        {
            var der = signature.ToArray();
            if (Asn1Object.FromByteArray(der) is not Asn1Sequence { Count: 2 } sequence
                || sequence[0] is not DerInteger first || sequence[1] is not DerInteger second)
            {
                return false;
            }

            r = first.Value;
            s = second.Value;
            // Canonical DER only: the input must be exactly the encoding of the values it decodes to (this holds even
            // where BouncyCastle is told to accept non-minimal INTEGERs, Org.BouncyCastle.Asn1.AllowUnsafeInteger).
            return Arrays.AreEqual(new DerSequence(new DerInteger(r), new DerInteger(s)).GetEncoded(Asn1Encodable.Der), der);
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            return false;
        }
    }
}
