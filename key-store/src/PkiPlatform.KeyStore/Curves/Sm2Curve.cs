using System.Runtime.CompilerServices;

namespace PkiPlatform.KeyStore.Curves;

/// <summary>
/// Scalar multiplication on the SM2 curve sm2p256v1 (GM/T 0003.5), allocation-free, for the operations the CA and the KMC
/// repeat per issuance: k·G for signatures and key generation (a table of i·16ʲ·G, 64 mixed additions), k·P for SM2
/// encryption and the x-coordinate of s·G + t·Q for verification. Scalars and points are 32-byte big-endian integers.
/// The secret-scalar paths read every table entry and combine with masks, so their time and memory accesses do not depend
/// on the scalar. No exceptional case of the incomplete formulas can arise: in k·G the accumulated Σ dᵢ16ⁱ (i &lt; j) lies
/// below 16ʲ ≤ dⱼ16ʲ &lt; n, and in k·P the accumulator K·P has 16 ≤ K while the added digit is below 16, so the two points
/// added are never equal, and opposite only when the scalar is n. Cross-checked against BouncyCastle's curve and
/// OpenSSL by the tests. The variable-time paths for public inputs (verification) are in Sm2Curve.Verification.cs.
/// </summary>
public static partial class Sm2Curve
{
    private const int Windows = 64; // 4-bit digits of a 256-bit scalar

    /// <summary>The curve's coefficient b (Montgomery form) for the on-curve check.</summary>
    private static readonly Sm2FieldElement B;

    /// <summary>The base point G (Montgomery form).</summary>
    private static readonly Sm2FieldElement Gx, Gy;

    /// <summary>Table[15·j + i − 1] = i·16ʲ·G, affine.</summary>
    private static readonly AffinePoint[] Table;

    /// <summary>The group order n, big-endian.</summary>
    private static readonly byte[] Order;

    static Sm2Curve()
    {
        var curve = Sm2Domain.Parameters;
        if (!curve.Curve.Field.Characteristic.Equals(new Org.BouncyCastle.Math.BigInteger("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16))
            || !curve.Curve.A.ToBigInteger().Equals(curve.Curve.Field.Characteristic.Subtract(Org.BouncyCastle.Math.BigInteger.Three)))
        {
            throw new InvalidOperationException("sm2p256v1 is not the curve this arithmetic is written for");
        }

        _ = Sm2FieldElement.TryFromBytes(curve.Curve.B.GetEncoded(), out B);
        var g = curve.G.Normalize();
        _ = Sm2FieldElement.TryFromBytes(g.AffineXCoord.GetEncoded(), out Gx);
        _ = Sm2FieldElement.TryFromBytes(g.AffineYCoord.GetEncoded(), out Gy);
        Order = Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(32, curve.N);
        Table = BuildTable();
    }

    /// <summary>(x, y) = k·G for a secret k in [1, n−1].</summary>
    /// <exception cref="ArgumentException">k is 0 or not below n.</exception>
    public static void MultiplyGenerator(ReadOnlySpan<byte> scalar, Span<byte> x, Span<byte> y)
    {
        RequireScalar(scalar);
        RequireCoordinates(x, y);
        MultiplyGenerator(scalar, out var point);
        ToAffine(point, x, y);
    }

    /// <summary>(x, y) = k·P for a secret k in [1, n−1]; false when P is not a point of the curve.</summary>
    /// <exception cref="ArgumentException">k is 0 or not below n.</exception>
    public static bool TryMultiply(ReadOnlySpan<byte> px, ReadOnlySpan<byte> py, ReadOnlySpan<byte> scalar, Span<byte> x, Span<byte> y)
    {
        RequireScalar(scalar);
        RequireCoordinates(x, y);
        if (!TryPoint(px, py, out var p))
        {
            return false;
        }

        Multiply(p, scalar, out var point);
        ToAffine(point, x, y);
        return true;
    }

    /// <summary>True when (x, y) are canonical coordinates of a point of the curve (y² = x³ − 3x + b); the point at infinity has none.</summary>
    public static bool IsOnCurve(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) => TryPoint(x, y, out _);

    /// <summary>Compares 32-byte big-endian integers: true when 0 &lt; k &lt; n.</summary>
    /// <remarks>In time independent of k (it screens secret nonces): an OR over the bytes and the borrow of k − n over all limbs.</remarks>
    public static bool IsScalar(ReadOnlySpan<byte> k)
    {
        if (k.Length != 32)
        {
            return false;
        }

        ulong any = 0, borrow = 0;
        for (var i = 24; i >= 0; i -= 8)
        {
            var limb = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(k[i..]);
            var order = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(Order.AsSpan(i));
            any |= limb;
            var difference = limb - order - borrow;
            borrow = ((~limb & order) | (~(limb ^ order) & difference)) >> 63;
        }

        var nonZero = (any | (0 - any)) >> 63;
        return (nonZero & borrow) == 1; // k ≠ 0 and k − n borrows (k < n)
    }

    private static void RequireCoordinates(Span<byte> x, Span<byte> y)
    {
        if (x.Length != 32 || y.Length != 32)
        {
            throw new ArgumentException("SM2 coordinates are written to spans of exactly 32 bytes");
        }
    }

    private static void RequireScalar(ReadOnlySpan<byte> k)
    {
        if (!IsScalar(k))
        {
            throw new ArgumentException("an SM2 scalar is 32 big-endian bytes in [1, n-1]", nameof(k));
        }
    }

    private static bool TryPoint(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, out AffinePoint point)
    {
        point = default;
        if (x.Length != 32 || y.Length != 32 || !Sm2FieldElement.TryFromBytes(x, out point.X) || !Sm2FieldElement.TryFromBytes(y, out point.Y))
        {
            return false;
        }

        // y² = x³ − 3x + b
        Sm2FieldElement.Square(point.Y, out var left);
        Sm2FieldElement.Square(point.X, out var x2);
        Sm2FieldElement.Mul(x2, point.X, out var right);
        Sm2FieldElement.Add(point.X, point.X, out var threeX);
        Sm2FieldElement.Add(threeX, point.X, out threeX);
        Sm2FieldElement.Sub(right, threeX, out right);
        Sm2FieldElement.Add(right, B, out right);
        Sm2FieldElement.Sub(left, right, out var difference);
        return difference.IsZeroMask() != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Digit(ReadOnlySpan<byte> scalar, int window) => (scalar[31 - (window >> 1)] >> ((window & 1) << 2)) & 0xF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong EqualMask(int a, int b)
    {
        var x = (ulong)(uint)(a ^ b);
        return ((x | (0 - x)) >> 63) - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyGenerator(ReadOnlySpan<byte> scalar, out Sm2JacobianPoint result)
    {
        var acc = default(Sm2JacobianPoint);
        var atInfinity = ulong.MaxValue;
        var table = Table;
        for (var j = 0; j < Windows; j++)
        {
            var digit = Digit(scalar, j);
            // Read all fifteen entries of this window, keep the digit's.
            var entry = new Sm2JacobianPoint { X = table[15 * j].X, Y = table[15 * j].Y, Z = Sm2FieldElement.One };
            for (var i = 2; i <= 15; i++)
            {
                var mask = EqualMask(i, digit);
                ref readonly var candidate = ref table[(15 * j) + i - 1];
                Sm2FieldElement.Select(mask, entry.X, candidate.X, out entry.X);
                Sm2FieldElement.Select(mask, entry.Y, candidate.Y, out entry.Y);
            }

            Sm2JacobianPoint.AddAffine(acc, entry.X, entry.Y, out var sum);
            Sm2JacobianPoint.Select(atInfinity, sum, entry, out sum);
            var zero = EqualMask(digit, 0);
            Sm2JacobianPoint.Select(zero, sum, acc, out acc);
            atInfinity &= zero;
        }

        result = acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply(in AffinePoint p, ReadOnlySpan<byte> scalar, out Sm2JacobianPoint result)
    {
        Span<Sm2JacobianPoint> multiples = stackalloc Sm2JacobianPoint[15];
        multiples[0] = new Sm2JacobianPoint { X = p.X, Y = p.Y, Z = Sm2FieldElement.One };
        Sm2JacobianPoint.Double(multiples[0], out multiples[1]);
        for (var i = 2; i < 15; i++)
        {
            Sm2JacobianPoint.AddAffine(multiples[i - 1], p.X, p.Y, out multiples[i]); // (i+1)·P, never equal to P for i+1 < n
        }

        var acc = default(Sm2JacobianPoint);
        var atInfinity = ulong.MaxValue;
        for (var j = Windows - 1; j >= 0; j--)
        {
            Sm2JacobianPoint.Double(acc, out acc);
            Sm2JacobianPoint.Double(acc, out acc);
            Sm2JacobianPoint.Double(acc, out acc);
            Sm2JacobianPoint.Double(acc, out acc);
            var digit = Digit(scalar, j);
            var entry = multiples[0];
            for (var i = 2; i <= 15; i++)
            {
                Sm2JacobianPoint.Select(EqualMask(i, digit), entry, multiples[i - 1], out entry);
            }

            Sm2JacobianPoint.Add(acc, entry, out var sum, out _);
            Sm2JacobianPoint.Select(atInfinity, sum, entry, out sum);
            var zero = EqualMask(digit, 0);
            Sm2JacobianPoint.Select(zero, sum, acc, out acc);
            atInfinity &= zero;
        }

        result = acc;
    }

    private static void ToAffine(in Sm2JacobianPoint point, Span<byte> x, Span<byte> y)
    {
        ToAffine(point, out var affine);
        affine.X.ToBytes(x);
        affine.Y.ToBytes(y);
    }

    private static void ToAffine(in Sm2JacobianPoint point, out AffinePoint affine)
    {
        Sm2FieldElement.Invert(point.Z, out var zInverse);
        Sm2FieldElement.Square(zInverse, out var z2);
        Sm2FieldElement.Mul(z2, zInverse, out var z3);
        Sm2FieldElement.Mul(point.X, z2, out affine.X);
        Sm2FieldElement.Mul(point.Y, z3, out affine.Y);
    }

    private static AffinePoint[] BuildTable()
    {
        var table = new AffinePoint[Windows * 15];
        var baseOfWindow = new Sm2JacobianPoint { X = Gx, Y = Gy, Z = Sm2FieldElement.One }; // 16ʲ·G
        for (var j = 0; j < Windows; j++)
        {
            ToAffine(baseOfWindow, out var first);
            table[15 * j] = first;
            Sm2JacobianPoint.Double(baseOfWindow, out var multiple); // 2·16ʲ·G: an addition of a point to itself would be wrong
            ToAffine(multiple, out table[(15 * j) + 1]);
            for (var i = 3; i <= 15; i++)
            {
                Sm2JacobianPoint.AddAffine(multiple, first.X, first.Y, out multiple); // i·16ʲ·G
                ToAffine(multiple, out table[(15 * j) + i - 1]);
            }

            for (var d = 0; d < 4; d++)
            {
                Sm2JacobianPoint.Double(baseOfWindow, out baseOfWindow);
            }
        }

        return table;
    }

    private struct AffinePoint
    {
        public Sm2FieldElement X, Y;
    }
}
