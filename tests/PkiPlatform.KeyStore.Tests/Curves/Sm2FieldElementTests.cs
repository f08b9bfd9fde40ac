using System.Numerics;
using PkiPlatform.KeyStore.Curves;

namespace PkiPlatform.KeyStore.Tests.Curves;

/// <summary>The SM2 field against System.Numerics.BigInteger arithmetic mod p, on random operands and on the edges (0, 1, p − 1, values near 2⁶⁴ᵏ).</summary>
public sealed class Sm2FieldElementTests
{
    private static readonly BigInteger P = BigInteger.Parse("0FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", System.Globalization.NumberStyles.HexNumber);

    private static byte[] Bytes(BigInteger value)
    {
        var bytes = new byte[32];
        var length = value.GetByteCount(isUnsigned: true);
        value.TryWriteBytes(bytes.AsSpan(32 - length), out _, isUnsigned: true, isBigEndian: true);
        return bytes;
    }

    private static Sm2FieldElement Element(BigInteger value)
    {
        Assert.That(Sm2FieldElement.TryFromBytes(Bytes(value), out var element), $"{value:X} < p");
        return element;
    }

    private static BigInteger Value(in Sm2FieldElement element)
    {
        var bytes = new byte[32];
        element.ToBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    private static IEnumerable<BigInteger> Operands()
    {
        BigInteger[] edges = [0, 1, 2, P - 1, P - 2, (BigInteger.One << 64) - 1, BigInteger.One << 64, (BigInteger.One << 128) - 1, (BigInteger.One << 192) + 1, (BigInteger.One << 255) % P, P >> 1, P - (BigInteger.One << 32)];
        foreach (var edge in edges)
        {
            yield return edge;
        }

        var random = new Random(2026);
        var buffer = new byte[32];
        for (var i = 0; i < 60; i++)
        {
            random.NextBytes(buffer);
            yield return new BigInteger(buffer, isUnsigned: true) % P;
        }
    }

    [Test]
    public void Arithmetic_MatchesBigIntegerModP()
    {
        var operands = Operands().ToList();
        foreach (var a in operands)
        {
            var ea = Element(a);
            Assert.That(Value(ea), Is.EqualTo(a), "round trip");
            foreach (var b in operands)
            {
                var eb = Element(b);
                Sm2FieldElement.Mul(ea, eb, out var product);
                Sm2FieldElement.Add(ea, eb, out var sum);
                Sm2FieldElement.Sub(ea, eb, out var difference);
                Assert.That(Value(product), Is.EqualTo(a * b % P), $"{a:X} · {b:X}");
                Assert.That(Value(sum), Is.EqualTo((a + b) % P), $"{a:X} + {b:X}");
                Assert.That(Value(difference), Is.EqualTo(((a - b) % P + P) % P), $"{a:X} − {b:X}");
            }

            Sm2FieldElement.Square(ea, out var square);
            Assert.That(Value(square), Is.EqualTo(a * a % P), $"{a:X}²");
            Sm2FieldElement.Invert(ea, out var inverse);
            Assert.That(Value(inverse), Is.EqualTo(a.IsZero ? BigInteger.Zero : BigInteger.ModPow(a, P - 2, P)), $"{a:X}⁻¹");
            Assert.That(ea.IsZeroMask(), Is.EqualTo(a.IsZero ? ulong.MaxValue : 0UL));
        }
    }

    [Test]
    public void TryFromBytes_ValuesFromPUp_Refused()
    {
        Assert.That(Sm2FieldElement.TryFromBytes(Bytes(P), out _), Is.False, "p");
        Assert.That(Sm2FieldElement.TryFromBytes(Bytes(P + 1), out _), Is.False, "p + 1");
        Assert.That(Sm2FieldElement.TryFromBytes(Bytes((BigInteger.One << 256) - 1), out _), Is.False, "2²⁵⁶ − 1");
        Assert.That(Sm2FieldElement.TryFromBytes(Bytes(P - 1), out _), "p − 1");
        Assert.Throws<ArgumentException>(() => Sm2FieldElement.TryFromBytes(new byte[31], out _));
    }
}
