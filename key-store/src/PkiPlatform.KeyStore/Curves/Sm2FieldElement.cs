using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace PkiPlatform.KeyStore.Curves;

/// <summary>
/// An element of GF(p) for the SM2 prime p = 2²⁵⁶ − 2²²⁴ − 2⁹⁶ + 2⁶⁴ − 1 (GM/T 0003.5), in Montgomery form (R = 2²⁵⁶)
/// as four 64-bit limbs, least significant first, always below p. A value type, so the curve arithmetic allocates
/// nothing (BouncyCastle's field allocates an array per operation, which made SM2 issuance GC-bound).
/// <para>
/// Multiplication is word-by-word Montgomery (CIOS). −p⁻¹ mod 2⁶⁴ is 1 because p ≡ −1 mod 2⁶⁴, so each round's
/// multiplier m is the low limb, and m·p needs no multiplication: (t + m·p)/2⁶⁴ = t/2⁶⁴ (low limb dropped) +
/// m·(2¹⁹² − 2¹⁶⁰ − 2³² + 1), shifts and subtractions of m. High halves of the 64×64 products come from MULX
/// (<see cref="Bmi2.X64.MultiplyNoFlags(ulong, ulong)"/>) and low halves from an ordinary multiplication, which keeps both in
/// registers (Math.BigMul's out parameter went through memory: 105 ns against 42 ns per multiplication here).
/// </para>
/// <para>
/// Every operation runs in time independent of the values: carries and borrows are bit formulas, not comparisons (which
/// the unoptimised first-tier JIT may compile to jumps), the final conditional subtraction and every selection are masks,
/// and no branch or memory index depends on an operand. The arithmetic is compiled fully optimised from its first call
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>).
/// </para>
/// </summary>
internal struct Sm2FieldElement
{
    public ulong L0, L1, L2, L3;

    // p, least significant limb first.
    private const ulong P0 = 0xFFFFFFFFFFFFFFFF, P1 = 0xFFFFFFFF00000000, P2 = 0xFFFFFFFFFFFFFFFF, P3 = 0xFFFFFFFEFFFFFFFF;

    /// <summary>R² mod p, to enter Montgomery form.</summary>
    private static readonly Sm2FieldElement RSquared = FromInteger(System.Numerics.BigInteger.ModPow(2, 512, Prime));

    /// <summary>1 in Montgomery form (R mod p = 2²²⁴ + 2⁹⁶ − 2⁶⁴ + 1).</summary>
    public static readonly Sm2FieldElement One = new() { L0 = 1, L1 = 0x00000000FFFFFFFF, L2 = 0, L3 = 0x0000000100000000 };

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

        var plain = Read(bigEndian);
        // Below p exactly when subtracting p borrows.
        var borrow = Sub(plain.L0, P0, 0, out _);
        borrow = Sub(plain.L1, P1, borrow, out _);
        borrow = Sub(plain.L2, P2, borrow, out _);
        borrow = Sub(plain.L3, P3, borrow, out _);
        Mul(plain, RSquared, out result);
        return borrow == 1;
    }

    /// <summary>Writes the element as a big-endian 32-byte integer (leaving Montgomery form).</summary>
    public readonly void ToBytes(Span<byte> bigEndian)
    {
        Mul(this, new Sm2FieldElement { L0 = 1 }, out var plain);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian, plain.L3);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[8..], plain.L2);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[16..], plain.L1);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[24..], plain.L0);
    }

    /// <summary>All ones when the element is zero, else zero (the representation is canonical, below p).</summary>
    public readonly ulong IsZeroMask()
    {
        var any = L0 | L1 | L2 | L3;
        return ((any | (0 - any)) >> 63) - 1;
    }

    /// <summary>r = mask ? b : a, limb by limb, without a branch (mask is all ones or zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Select(ulong mask, in Sm2FieldElement a, in Sm2FieldElement b, out Sm2FieldElement r)
    {
        r.L0 = a.L0 ^ (mask & (a.L0 ^ b.L0));
        r.L1 = a.L1 ^ (mask & (a.L1 ^ b.L1));
        r.L2 = a.L2 ^ (mask & (a.L2 ^ b.L2));
        r.L3 = a.L3 ^ (mask & (a.L3 ^ b.L3));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(in Sm2FieldElement a, in Sm2FieldElement b, out Sm2FieldElement r)
    {
        var carry = Add(a.L0, b.L0, 0, out var t0);
        carry = Add(a.L1, b.L1, carry, out var t1);
        carry = Add(a.L2, b.L2, carry, out var t2);
        carry = Add(a.L3, b.L3, carry, out var t3);
        Reduce(t0, t1, t2, t3, carry, out r);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sub(in Sm2FieldElement a, in Sm2FieldElement b, out Sm2FieldElement r)
    {
        var borrow = Sub(a.L0, b.L0, 0, out var t0);
        borrow = Sub(a.L1, b.L1, borrow, out var t1);
        borrow = Sub(a.L2, b.L2, borrow, out var t2);
        borrow = Sub(a.L3, b.L3, borrow, out var t3);
        var mask = 0 - borrow; // went negative: add p back
        var carry = Add(t0, P0 & mask, 0, out r.L0);
        carry = Add(t1, P1 & mask, carry, out r.L1);
        carry = Add(t2, P2 & mask, carry, out r.L2);
        Add(t3, P3 & mask, carry, out r.L3);
    }

    /// <summary>Montgomery product a·b·R⁻¹ mod p. The running value stays below a + p &lt; 2p (five limbs, the top one 0 or 1), so one conditional subtraction reduces it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Mul(in Sm2FieldElement a, in Sm2FieldElement b, out Sm2FieldElement r)
    {
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
        Round(a, b.L0, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b.L1, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b.L2, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b.L3, ref t0, ref t1, ref t2, ref t3, ref t4);
        Reduce(t0, t1, t2, t3, t4, out r);
    }

    /// <summary>
    /// a²·R⁻¹ mod p: the six cross products once, doubled, plus the four squares (10 multiplications instead of 16), then
    /// the same special-form Montgomery reduction on the eight-limb product, one limb at a time (doublings are mostly squarings).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Square(in Sm2FieldElement a, out Sm2FieldElement r)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3;
        var c = MulAdd(a0, a1, 0, 0, out var t1);
        c = MulAdd(a0, a2, c, 0, out var t2);
        var t4 = MulAdd(a0, a3, c, 0, out var t3);
        c = MulAdd(a1, a2, t3, 0, out t3);
        var t5 = MulAdd(a1, a3, t4, c, out t4);
        var t6 = MulAdd(a2, a3, t5, 0, out t5);
        var t7 = t6 >> 63; // the cross products doubled
        t6 = (t6 << 1) | (t5 >> 63);
        t5 = (t5 << 1) | (t4 >> 63);
        t4 = (t4 << 1) | (t3 >> 63);
        t3 = (t3 << 1) | (t2 >> 63);
        t2 = (t2 << 1) | (t1 >> 63);
        t1 <<= 1;
        var h = MulAdd(a0, a0, 0, 0, out var t0);
        var carry = Add(t1, h, 0, out t1);
        h = MulAdd(a1, a1, 0, 0, out var l);
        carry = Add(t2, l, carry, out t2);
        carry = Add(t3, h, carry, out t3);
        h = MulAdd(a2, a2, 0, 0, out l);
        carry = Add(t4, l, carry, out t4);
        carry = Add(t5, h, carry, out t5);
        h = MulAdd(a3, a3, 0, 0, out l);
        carry = Add(t6, l, carry, out t6);
        Add(t7, h, carry, out t7); // a² < 2⁵¹²: no carry out

        // Montgomery reduction, limb by limb: adding m·p at limb i (m = tᵢ) clears tᵢ and adds v = m·(2¹⁹² − 2¹⁶⁰ − 2³² + 1) from limb i + 1.
        ulong t8 = 0;
        Fold(t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8);
        ulong t9 = 0;
        Fold(t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t9);
        ulong t10 = 0;
        Fold(t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t9, ref t10);
        ulong t11 = 0;
        Fold(t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t9, ref t10, ref t11);
        // t < 2p after the reduction: five limbs t4…t8 (t9…t11 stay 0)
        Reduce(t4, t5, t6, t7, t8 + t9 + t10 + t11, out r);
    }

    /// <summary>Adds m·(2¹⁹² − 2¹⁶⁰ − 2³² + 1) at x1…x4 and carries through x5…x8 (x8 a fresh top limb).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold(ulong m, ref ulong x1, ref ulong x2, ref ulong x3, ref ulong x4, ref ulong x5, ref ulong x6, ref ulong x7, ref ulong x8)
    {
        var low = m << 32;
        var high = m >> 32;
        var borrow = Sub(m, low, 0, out var v0);
        borrow = Sub(0, high, borrow, out var v1);
        borrow = Sub(0, low, borrow, out var v2);
        Sub(m, high, borrow, out var v3);
        // m·p + m = m·2⁶⁴·(…): the cleared limb carries m into x1
        var carry = Add(x1, v0, 0, out x1);
        carry = Add(x2, v1, carry, out x2);
        carry = Add(x3, v2, carry, out x3);
        carry = Add(x4, v3, carry, out x4);
        carry = Add(x5, 0, carry, out x5);
        carry = Add(x6, 0, carry, out x6);
        carry = Add(x7, 0, carry, out x7);
        x8 += carry;
    }

    /// <summary>a⁻¹ = a^(p−2), a fixed 4-bit window over the public exponent (the same operations for every a); 0 maps to 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>One CIOS round: t = (t + a·bᵢ + m·p) / 2⁶⁴ with m = the low limb of t + a·bᵢ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(in Sm2FieldElement a, ulong bi, ref ulong t0, ref ulong t1, ref ulong t2, ref ulong t3, ref ulong t4)
    {
        // u = t + a·bᵢ: six limbs u0…u5
        var c = MulAdd(a.L0, bi, t0, 0, out var u0);
        c = MulAdd(a.L1, bi, t1, c, out var u1);
        c = MulAdd(a.L2, bi, t2, c, out var u2);
        c = MulAdd(a.L3, bi, t3, c, out var u3);
        var u5 = Add(t4, c, 0, out var u4);

        // m = u0; u0 + m·p₀ = m·2⁶⁴ drops out, leaving v = m·(2¹⁹² − 2¹⁶⁰ − 2³² + 1) = [m, 0, 0, m] − [m≪32, m≫32, m≪32, m≫32]
        var m = u0;
        var low = m << 32;
        var high = m >> 32;
        var borrow = Sub(m, low, 0, out var v0);
        borrow = Sub(0, high, borrow, out var v1);
        borrow = Sub(0, low, borrow, out var v2);
        Sub(m, high, borrow, out var v3); // v ≥ 0: no borrow out

        var carry = Add(u1, v0, 0, out t0);
        carry = Add(u2, v1, carry, out t1);
        carry = Add(u3, v2, carry, out t2);
        carry = Add(u4, v3, carry, out t3);
        t4 = u5 + carry;
    }

    /// <summary>(t0…t4) − p where the 5-limb t is below 2p: the reduced value, selected without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Reduce(ulong t0, ulong t1, ulong t2, ulong t3, ulong t4, out Sm2FieldElement r)
    {
        var borrow = Sub(t0, P0, 0, out var s0);
        borrow = Sub(t1, P1, borrow, out var s1);
        borrow = Sub(t2, P2, borrow, out var s2);
        borrow = Sub(t3, P3, borrow, out var s3);
        borrow = Sub(t4, 0, borrow, out _);
        var keep = 0 - borrow; // t < p: keep t
        r.L0 = s0 ^ (keep & (s0 ^ t0));
        r.L1 = s1 ^ (keep & (s1 ^ t1));
        r.L2 = s2 ^ (keep & (s2 ^ t2));
        r.L3 = s3 ^ (keep & (s3 ^ t3));
    }

    /// <summary>a + b + carry (carry 0 or 1): the sum's low 64 bits and the carry out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Add(ulong a, ulong b, ulong carry, out ulong sum)
    {
        sum = a + b + carry;
        return ((a & b) | ((a | b) & ~sum)) >> 63; // the carry out of bit 63 (Hacker's Delight 2-13), no comparison
    }

    /// <summary>a − b − borrow (borrow 0 or 1): the difference's low 64 bits and the borrow out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Sub(ulong a, ulong b, ulong borrow, out ulong difference)
    {
        difference = a - b - borrow;
        return ((~a & b) | (~(a ^ b) & difference)) >> 63; // the borrow out of bit 63 (Hacker's Delight 2-13), no comparison
    }

    /// <summary>a·b + c + d as (high, low); never overflows 128 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulAdd(ulong a, ulong b, ulong c, ulong d, out ulong low)
    {
        var high = Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(a, b) : Math.BigMul(a, b, out _);
        var product = a * b;
        var l = product + c;
        high += ((product & c) | ((product | c) & ~l)) >> 63;
        low = l + d;
        high += ((l & d) | ((l | d) & ~low)) >> 63;
        return high;
    }

    private static Sm2FieldElement Read(ReadOnlySpan<byte> bigEndian) => new()
    {
        L3 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian),
        L2 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian[8..]),
        L1 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian[16..]),
        L0 = BinaryPrimitives.ReadUInt64BigEndian(bigEndian[24..]),
    };

    private static Sm2FieldElement FromInteger(System.Numerics.BigInteger value)
    {
        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        var length = value.GetByteCount(isUnsigned: true);
        _ = value.TryWriteBytes(bytes[(32 - length)..], out _, isUnsigned: true, isBigEndian: true);
        return Read(bytes);
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
