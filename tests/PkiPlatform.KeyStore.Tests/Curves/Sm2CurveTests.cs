using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Utilities;
using PkiPlatform.KeyStore.Curves;

namespace PkiPlatform.KeyStore.Tests.Curves;

/// <summary>The allocation-free SM2 arithmetic against BouncyCastle's curve, on random and on edge scalars.</summary>
public sealed class Sm2CurveTests
{
    private static readonly Org.BouncyCastle.Asn1.X9.X9ECParameters Domain = GMNamedCurves.GetByOid(GMObjectIdentifiers.sm2p256v1);

    private static IEnumerable<BigInteger> Scalars()
    {
        var n = Domain.N;
        yield return BigInteger.One;
        yield return BigInteger.Two;
        yield return BigInteger.ValueOf(15);
        yield return BigInteger.ValueOf(16);
        yield return BigInteger.ValueOf(17);
        yield return BigInteger.One.ShiftLeft(252);
        yield return BigInteger.One.ShiftLeft(255);
        yield return n.Subtract(BigInteger.One);
        yield return n.Subtract(BigInteger.Two);
        yield return n.ShiftRight(1);
        yield return new BigInteger("F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0", 16).Mod(n);
        yield return new BigInteger("0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F", 16);
        yield return new BigInteger("EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE", 16);
        var random = new Org.BouncyCastle.Security.SecureRandom();
        for (var i = 0; i < 40; i++)
        {
            yield return Org.BouncyCastle.Utilities.BigIntegers.CreateRandomInRange(BigInteger.One, n.Subtract(BigInteger.One), random);
        }
    }

    private static byte[] Bytes(BigInteger value) => BigIntegers.AsUnsignedByteArray(32, value);

    [Test]
    public void MultiplyGenerator_MatchesBouncyCastle()
    {
        foreach (var k in Scalars())
        {
            var expected = Domain.G.Multiply(k).Normalize();
            var x = new byte[32];
            var y = new byte[32];
            Sm2Curve.MultiplyGenerator(Bytes(k), x, y);
            Assert.That(x, Is.EqualTo(expected.AffineXCoord.GetEncoded()), $"x of {k.ToString(16)}·G");
            Assert.That(y, Is.EqualTo(expected.AffineYCoord.GetEncoded()), $"y of {k.ToString(16)}·G");
        }
    }

    [Test]
    public void Multiply_MatchesBouncyCastle()
    {
        var random = new Org.BouncyCastle.Security.SecureRandom();
        foreach (var k in Scalars())
        {
            var p = Domain.G.Multiply(BigIntegers.CreateRandomInRange(BigInteger.One, Domain.N.Subtract(BigInteger.One), random)).Normalize();
            var expected = p.Multiply(k).Normalize();
            var x = new byte[32];
            var y = new byte[32];
            Assert.That(Sm2Curve.TryMultiply(p.AffineXCoord.GetEncoded(), p.AffineYCoord.GetEncoded(), Bytes(k), x, y));
            Assert.That(x, Is.EqualTo(expected.AffineXCoord.GetEncoded()), $"x of {k.ToString(16)}·P");
            Assert.That(y, Is.EqualTo(expected.AffineYCoord.GetEncoded()), $"y of {k.ToString(16)}·P");
        }
    }

    [Test]
    public void CombinationX_MatchesBouncyCastle_IncludingEqualAndOppositeTerms()
    {
        var random = new Org.BouncyCastle.Security.SecureRandom();
        var n = Domain.N;
        var x = new byte[32];
        foreach (var s in Scalars())
        {
            var t = BigIntegers.CreateRandomInRange(BigInteger.One, n.Subtract(BigInteger.One), random);
            var q = Domain.G.Multiply(BigIntegers.CreateRandomInRange(BigInteger.One, n.Subtract(BigInteger.One), random)).Normalize();
            var expected = ECAlgorithms.SumOfTwoMultiplies(Domain.G, s, q, t).Normalize();
            Assert.That(Sm2Curve.TryCombinationX(Bytes(s), q.AffineXCoord.GetEncoded(), q.AffineYCoord.GetEncoded(), Bytes(t), x));
            Assert.That(x, Is.EqualTo(expected.AffineXCoord.GetEncoded()), "edge s");
            // and the edge scalars as t, the width-5 NAF's input (runs of ones carry through every limb)
            expected = ECAlgorithms.SumOfTwoMultiplies(Domain.G, t, q, s).Normalize();
            Assert.That(Sm2Curve.TryCombinationX(Bytes(t), q.AffineXCoord.GetEncoded(), q.AffineYCoord.GetEncoded(), Bytes(s), x));
            Assert.That(x, Is.EqualTo(expected.AffineXCoord.GetEncoded()), "edge t");
        }

        // Q = G: s·G + t·G with s = t (the two terms equal: a doubling) and with t = n − s (opposite: infinity).
        var g = Domain.G.Normalize();
        var gx = g.AffineXCoord.GetEncoded();
        var gy = g.AffineYCoord.GetEncoded();
        var seven = BigInteger.ValueOf(7);
        Assert.That(Sm2Curve.TryCombinationX(Bytes(seven), gx, gy, Bytes(seven), x));
        Assert.That(x, Is.EqualTo(Domain.G.Multiply(BigInteger.ValueOf(14)).Normalize().AffineXCoord.GetEncoded()));
        Assert.That(Sm2Curve.TryCombinationX(Bytes(seven), gx, gy, Bytes(n.Subtract(seven)), x), Is.False, "s·G − s·G is the point at infinity");
    }

    [Test]
    public void PointsAndScalars_OffTheCurveOrOutOfRange_Refused()
    {
        var g = Domain.G.Normalize();
        var gx = g.AffineXCoord.GetEncoded();
        var gy = g.AffineYCoord.GetEncoded();
        Assert.That(Sm2Curve.IsOnCurve(gx, gy));
        var bent = (byte[])gy.Clone();
        bent[31] ^= 1;
        Assert.That(Sm2Curve.IsOnCurve(gx, bent), Is.False, "y altered");
        var p = BigIntegers.AsUnsignedByteArray(32, Domain.Curve.Field.Characteristic);
        Assert.That(Sm2Curve.IsOnCurve(p, gy), Is.False, "x = p is not a canonical coordinate");
        var x = new byte[32];
        Assert.That(Sm2Curve.TryMultiply(gx, bent, Bytes(BigInteger.Two), x, x), Is.False);
        Assert.Throws<ArgumentException>(() => Sm2Curve.MultiplyGenerator(new byte[32], x, x), "k = 0");
        Assert.Throws<ArgumentException>(() => Sm2Curve.MultiplyGenerator(Bytes(Domain.N), x, x), "k = n");
        Assert.That(Sm2Curve.IsScalar(Bytes(Domain.N.Subtract(BigInteger.One))));
        Assert.That(Sm2Curve.IsScalar(Bytes(BigInteger.One)));
        Assert.That(Sm2Curve.IsScalar(Bytes(Domain.N)), Is.False, "n");
        Assert.That(Sm2Curve.IsScalar(Bytes(Domain.N.Add(BigInteger.One))), Is.False, "n + 1");
        Assert.That(Sm2Curve.IsScalar(new byte[32]), Is.False, "0");
        Assert.That(Sm2Curve.IsScalar(new byte[31]), Is.False, "31 bytes");
        Assert.Throws<ArgumentException>(() => Sm2Curve.MultiplyGenerator(Bytes(BigInteger.Two), new byte[33], new byte[32]), "a 33-byte output");
    }
}
