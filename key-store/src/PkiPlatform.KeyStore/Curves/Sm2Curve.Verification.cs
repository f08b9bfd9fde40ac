namespace PkiPlatform.KeyStore.Curves;

/// <summary>Verification's s·G + t·Q: public inputs, so variable time (zero digits skipped, a signed window for t·Q).</summary>
public static partial class Sm2Curve
{
    /// <summary>
    /// The x-coordinate of s·G + t·Q, the verification equation of GM/T 0003.2 §7.1 (public inputs; s and t in
    /// [1, n−1]); false when Q is not a point of the curve or the sum is the point at infinity.
    /// </summary>
    public static bool TryCombinationX(ReadOnlySpan<byte> s, ReadOnlySpan<byte> qx, ReadOnlySpan<byte> qy, ReadOnlySpan<byte> t, Span<byte> x)
    {
        RequireScalar(s);
        RequireScalar(t);
        RequireCoordinates(x, x);
        if (!TryPoint(qx, qy, out var q))
        {
            return false;
        }

        // Public inputs: variable-time paths (zero digits skipped, a signed window for t·Q).
        if (!MultiplyGeneratorPublic(s, out var a) || !MultiplyPublic(q, t, out var b))
        {
            return false;
        }

        Sm2JacobianPoint.Add(a, b, out var sum, out var same);
        if (same)
        {
            Sm2JacobianPoint.Double(a, out sum);
        }

        if (sum.Z.IsZeroMask() != 0)
        {
            return false;
        }

        Sm2FieldElement.Invert(sum.Z, out var zInverse);
        Sm2FieldElement.Square(zInverse, out var z2);
        Sm2FieldElement.Mul(sum.X, z2, out var affineX);
        affineX.ToBytes(x);
        return true;
    }

    /// <summary>k·G for a public k: the same table as <see cref="MultiplyGenerator(ReadOnlySpan{byte}, out Sm2JacobianPoint)"/>, read directly, zero digits skipped; false for k = 0.</summary>
    private static bool MultiplyGeneratorPublic(ReadOnlySpan<byte> scalar, out Sm2JacobianPoint result)
    {
        result = default;
        var started = false;
        var table = Table;
        for (var j = 0; j < Windows; j++)
        {
            var digit = Digit(scalar, j);
            if (digit == 0)
            {
                continue;
            }

            ref readonly var entry = ref table[(15 * j) + digit - 1];
            if (started)
            {
                Sm2JacobianPoint.AddAffine(result, entry.X, entry.Y, out result); // never equal points, as in the constant-time path
            }
            else
            {
                result = new Sm2JacobianPoint { X = entry.X, Y = entry.Y, Z = Sm2FieldElement.One };
                started = true;
            }
        }

        return started;
    }

    /// <summary>
    /// k·P for a public k (verification): width-5 NAF over the odd multiples P, 3P, …, 15P, so about one addition per
    /// six doublings instead of one per four; the additions check for equal points, as nothing rules them out here.
    /// False when the result is the point at infinity.
    /// </summary>
    private static bool MultiplyPublic(in AffinePoint p, ReadOnlySpan<byte> scalar, out Sm2JacobianPoint result)
    {
        Span<sbyte> naf = stackalloc sbyte[257];
        var length = Naf(scalar, naf);
        Span<Sm2JacobianPoint> odd = stackalloc Sm2JacobianPoint[8]; // (2i + 1)·P
        odd[0] = new Sm2JacobianPoint { X = p.X, Y = p.Y, Z = Sm2FieldElement.One };
        Sm2JacobianPoint.Double(odd[0], out var twice);
        for (var i = 1; i < 8; i++)
        {
            Sm2JacobianPoint.Add(odd[i - 1], twice, out odd[i], out _); // (2i+1)·P ≠ 2·P for a point of prime order n > 15
        }

        result = default;
        var atInfinity = true;
        for (var i = length - 1; i >= 0; i--)
        {
            if (!atInfinity)
            {
                Sm2JacobianPoint.Double(result, out result);
            }

            int digit = naf[i];
            if (digit == 0)
            {
                continue;
            }

            var term = odd[(Math.Abs(digit) - 1) >> 1];
            if (digit < 0)
            {
                Sm2FieldElement.Sub(default, term.Y, out term.Y);
            }

            if (atInfinity)
            {
                result = term;
                atInfinity = false;
                continue;
            }

            Sm2JacobianPoint.Add(result, term, out var sum, out var same);
            if (same)
            {
                Sm2JacobianPoint.Double(term, out sum);
            }

            if (sum.Z.IsZeroMask() != 0)
            {
                atInfinity = true; // result = −term
                result = default;
                continue;
            }

            result = sum;
        }

        return !atInfinity;
    }

    /// <summary>The width-5 non-adjacent form of a 256-bit big-endian k, least significant digit first; digits odd in [−15, 15] or 0. Returns the digit count.</summary>
    private static int Naf(ReadOnlySpan<byte> scalar, Span<sbyte> digits)
    {
        Span<ulong> k = stackalloc ulong[5];
        for (var i = 0; i < 4; i++)
        {
            k[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(scalar[(24 - (8 * i))..]);
        }

        k[4] = 0;
        var length = 0;
        while ((k[0] | k[1] | k[2] | k[3] | k[4]) != 0)
        {
            var digit = 0;
            if ((k[0] & 1) != 0)
            {
                digit = (int)(k[0] & 31);
                if (digit >= 16)
                {
                    digit -= 32;
                }

                // k −= digit
                if (digit > 0)
                {
                    var borrow = (ulong)digit;
                    for (var i = 0; i < 5 && borrow != 0; i++)
                    {
                        var before = k[i];
                        k[i] = before - borrow;
                        borrow = before < borrow ? 1UL : 0UL;
                    }
                }
                else
                {
                    var carry = (ulong)(-digit);
                    for (var i = 0; i < 5 && carry != 0; i++)
                    {
                        k[i] += carry;
                        carry = k[i] < carry ? 1UL : 0UL;
                    }
                }
            }

            digits[length++] = (sbyte)digit;
            for (var i = 0; i < 4; i++)
            {
                k[i] = (k[i] >> 1) | (k[i + 1] << 63);
            }

            k[4] >>= 1;
        }

        return length;
    }
}
