using System.Runtime.CompilerServices;

namespace PkiPlatform.KeyStore.Curves;

/// <summary>
/// A point of the SM2 curve y² = x³ − 3x + b in Jacobian coordinates (x = X/Z², y = Y/Z³), Montgomery-form limbs.
/// The point at infinity is tracked by the multiplications as a mask beside the point, not by Z = 0, so the
/// formulas below never branch on it. The formulas are the EFD's for a = −3 (dbl-2001-b, madd-2007-bl, add-2007-bl);
/// they are not complete — P + P through an addition is wrong — and the scalar multiplications in
/// <see cref="Sm2Curve"/> are arranged so that case cannot arise for a scalar in [1, n−1].
/// </summary>
internal struct Sm2JacobianPoint
{
    public Sm2FieldElement X, Y, Z;

    /// <summary>r = 2p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Double(in Sm2JacobianPoint p, out Sm2JacobianPoint r)
    {
        Sm2FieldElement.Square(p.Z, out var delta);
        Sm2FieldElement.Square(p.Y, out var gamma);
        Sm2FieldElement.Mul(p.X, gamma, out var beta);
        Sm2FieldElement.Sub(p.X, delta, out var t0);
        Sm2FieldElement.Add(p.X, delta, out var t1);
        Sm2FieldElement.Mul(t0, t1, out var t2);
        Sm2FieldElement.Add(t2, t2, out var alpha);
        Sm2FieldElement.Add(alpha, t2, out alpha); // alpha = 3(X − δ)(X + δ)
        Sm2FieldElement.Add(beta, beta, out var beta4);
        Sm2FieldElement.Add(beta4, beta4, out beta4);
        Sm2FieldElement.Add(beta4, beta4, out var beta8);
        Sm2FieldElement.Square(alpha, out var x3);
        Sm2FieldElement.Sub(x3, beta8, out x3); // X3 = α² − 8β
        Sm2FieldElement.Add(p.Y, p.Z, out var yz);
        Sm2FieldElement.Square(yz, out var z3);
        Sm2FieldElement.Sub(z3, gamma, out z3);
        Sm2FieldElement.Sub(z3, delta, out z3); // Z3 = (Y + Z)² − γ − δ
        Sm2FieldElement.Sub(beta4, x3, out var t3);
        Sm2FieldElement.Mul(alpha, t3, out var y3);
        Sm2FieldElement.Square(gamma, out var gamma2);
        Sm2FieldElement.Add(gamma2, gamma2, out gamma2);
        Sm2FieldElement.Add(gamma2, gamma2, out gamma2);
        Sm2FieldElement.Add(gamma2, gamma2, out gamma2);
        Sm2FieldElement.Sub(y3, gamma2, out r.Y); // Y3 = α(4β − X3) − 8γ²
        r.X = x3;
        r.Z = z3;
    }

    /// <summary>r = p + (x2, y2) with the second point affine. Wrong (Z = 0) when both are the same point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddAffine(in Sm2JacobianPoint p, in Sm2FieldElement x2, in Sm2FieldElement y2, out Sm2JacobianPoint r)
    {
        Sm2FieldElement.Square(p.Z, out var z1z1);
        Sm2FieldElement.Mul(x2, z1z1, out var u2);
        Sm2FieldElement.Mul(p.Z, z1z1, out var t0);
        Sm2FieldElement.Mul(y2, t0, out var s2);
        Sm2FieldElement.Sub(u2, p.X, out var h);
        Sm2FieldElement.Square(h, out var hh);
        Sm2FieldElement.Add(hh, hh, out var i);
        Sm2FieldElement.Add(i, i, out i);
        Sm2FieldElement.Mul(h, i, out var j);
        Sm2FieldElement.Sub(s2, p.Y, out var rr);
        Sm2FieldElement.Add(rr, rr, out rr);
        Sm2FieldElement.Mul(p.X, i, out var v);
        Sm2FieldElement.Square(rr, out var x3);
        Sm2FieldElement.Sub(x3, j, out x3);
        Sm2FieldElement.Sub(x3, v, out x3);
        Sm2FieldElement.Sub(x3, v, out x3);
        Sm2FieldElement.Sub(v, x3, out var t1);
        Sm2FieldElement.Mul(rr, t1, out var y3);
        Sm2FieldElement.Mul(p.Y, j, out var t2);
        Sm2FieldElement.Add(t2, t2, out t2);
        Sm2FieldElement.Sub(y3, t2, out r.Y);
        Sm2FieldElement.Add(p.Z, h, out var t3);
        Sm2FieldElement.Square(t3, out var z3);
        Sm2FieldElement.Sub(z3, z1z1, out z3);
        Sm2FieldElement.Sub(z3, hh, out r.Z);
        r.X = x3;
    }

    /// <summary>r = p + q, both Jacobian. Wrong (Z = 0) when both are the same point; <paramref name="same"/> tells that case apart from p = −q (public inputs only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(in Sm2JacobianPoint p, in Sm2JacobianPoint q, out Sm2JacobianPoint r, out bool same)
    {
        Sm2FieldElement.Square(p.Z, out var z1z1);
        Sm2FieldElement.Square(q.Z, out var z2z2);
        Sm2FieldElement.Mul(p.X, z2z2, out var u1);
        Sm2FieldElement.Mul(q.X, z1z1, out var u2);
        Sm2FieldElement.Mul(q.Z, z2z2, out var t0);
        Sm2FieldElement.Mul(p.Y, t0, out var s1);
        Sm2FieldElement.Mul(p.Z, z1z1, out var t1);
        Sm2FieldElement.Mul(q.Y, t1, out var s2);
        Sm2FieldElement.Sub(u2, u1, out var h);
        Sm2FieldElement.Add(h, h, out var i);
        Sm2FieldElement.Square(i, out i);
        Sm2FieldElement.Mul(h, i, out var j);
        Sm2FieldElement.Sub(s2, s1, out var rr);
        Sm2FieldElement.Add(rr, rr, out rr);
        same = (h.IsZeroMask() & rr.IsZeroMask()) != 0;
        Sm2FieldElement.Mul(u1, i, out var v);
        Sm2FieldElement.Square(rr, out var x3);
        Sm2FieldElement.Sub(x3, j, out x3);
        Sm2FieldElement.Sub(x3, v, out x3);
        Sm2FieldElement.Sub(x3, v, out x3);
        Sm2FieldElement.Sub(v, x3, out var t2);
        Sm2FieldElement.Mul(rr, t2, out var y3);
        Sm2FieldElement.Mul(s1, j, out var t3);
        Sm2FieldElement.Add(t3, t3, out t3);
        Sm2FieldElement.Sub(y3, t3, out r.Y);
        Sm2FieldElement.Add(p.Z, q.Z, out var t4);
        Sm2FieldElement.Square(t4, out var z3);
        Sm2FieldElement.Sub(z3, z1z1, out z3);
        Sm2FieldElement.Sub(z3, z2z2, out z3);
        Sm2FieldElement.Mul(z3, h, out r.Z);
        r.X = x3;
    }

    /// <summary>r = mask ? b : a without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Select(ulong mask, in Sm2JacobianPoint a, in Sm2JacobianPoint b, out Sm2JacobianPoint r)
    {
        Sm2FieldElement.Select(mask, a.X, b.X, out r.X);
        Sm2FieldElement.Select(mask, a.Y, b.Y, out r.Y);
        Sm2FieldElement.Select(mask, a.Z, b.Z, out r.Z);
    }
}
