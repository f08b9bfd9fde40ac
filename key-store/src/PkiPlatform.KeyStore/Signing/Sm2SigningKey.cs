using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace PkiPlatform.KeyStore.Signing;

/// <summary>
/// An SM2 private key ready to sign SM3withSM2 (GM/T 0003.2 §6.1, signer ID 1234567812345678). What BouncyCastle's
/// <c>SM2Signer</c> recomputes for every signature is computed once per key here: the public point (a scalar
/// multiplication), Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) and (1 + d)⁻¹ mod n, so a signature costs one
/// fixed-base multiplication, done by the allocation-free, constant-time <see cref="Curves.Sm2Curve"/>. k comes from the
/// operating system's CSPRNG for every signature. The point multiplication runs in time independent of k; the few
/// operations mod n that follow (r = e + x₁, s = (1 + d)⁻¹(k − r·d)) use BouncyCastle's BigInteger, which is not
/// constant-time, exactly as BouncyCastle's SM2Signer does (weak: a fixed-width arithmetic mod n would close that).
/// Signatures are DER <c>SEQUENCE { r INTEGER, s INTEGER }</c>, as GM/T 0009 and every SM2 verifier expect.
/// </summary>
public sealed class Sm2SigningKey
{
    private readonly ECDomainParameters _domain;
    private readonly BigInteger _d;
    private readonly BigInteger _inverseOnePlusD;
    private readonly SM3Digest _afterZ;

    /// <param name="key">The private key.</param>
    /// <param name="publicPoint">Its public point d·G where the caller already has it, e.g. from the key generator (saves one multiplication); computed when absent. It is not checked: a wrong point gives a wrong Z_A, so every signature fails to verify (nothing about d leaks).</param>
    public Sm2SigningKey(ECPrivateKeyParameters key, ECPoint? publicPoint = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        Curves.Sm2Domain.Require(key.Parameters);
        _domain = key.Parameters;
        _d = key.D;
        var n = _domain.N;
        if (_d.SignValue <= 0 || _d.CompareTo(n.Subtract(BigInteger.One)) >= 0)
        {
            throw new ArgumentException("an SM2 private key must lie in [1, n-2]", nameof(key));
        }

        PrivateKey = key;
        var q = (publicPoint ?? PublicPointOf(_domain, _d)).Normalize();
        PublicPoint = q;
        _inverseOnePlusD = Org.BouncyCastle.Utilities.BigIntegers.ModOddInverse(n, _d.Add(BigInteger.One)); // constant-time, as BouncyCastle's SM2Signer
        _afterZ = new SM3Digest();
        var z = ZValue(_domain, q, SignatureAlgorithms.Sm2DefaultUserId);
        _afterZ.BlockUpdate(z, 0, z.Length);
    }

    /// <summary>The private key this signer holds.</summary>
    public ECPrivateKeyParameters PrivateKey { get; }

    /// <summary>The public point Q = d·G (affine).</summary>
    public ECPoint PublicPoint { get; }

    /// <summary>Starts a signature: feed the message, then <see cref="ISignatureOperation.Complete"/>.</summary>
    public ISignatureOperation BeginSign() => new Operation(this);

    /// <summary>Signs a whole message.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        using var operation = BeginSign();
        operation.Update(message);
        return operation.Complete();
    }

    /// <summary>Z_A of GM/T 0003.2 §5.5 for a public point and signer ID.</summary>
    public static byte[] ZValue(ECDomainParameters domain, ECPoint publicPoint, ReadOnlySpan<byte> userId)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(publicPoint);
        if (userId.Length > 8191)
        {
            throw new ArgumentException("an SM2 signer ID has at most 8191 bytes (ENTL is 16 bits of bit length)", nameof(userId));
        }

        var digest = new SM3Digest();
        var bits = userId.Length * 8;
        digest.Update((byte)(bits >> 8));
        digest.Update((byte)bits);
        digest.BlockUpdate(userId);
        var q = publicPoint.Normalize();
        foreach (var element in new[] { domain.Curve.A, domain.Curve.B, domain.G.AffineXCoord, domain.G.AffineYCoord, q.AffineXCoord, q.AffineYCoord })
        {
            digest.BlockUpdate(element.GetEncoded());
        }

        var z = new byte[digest.GetDigestSize()];
        digest.DoFinal(z, 0);
        return z;
    }

    private static ECPoint PublicPointOf(ECDomainParameters domain, BigInteger d)
    {
        Span<byte> x = stackalloc byte[32];
        Span<byte> y = stackalloc byte[32];
        var scalar = Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(32, d);
        Curves.Sm2Curve.MultiplyGenerator(scalar, x, y);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(scalar);
        return Curves.Sm2Domain.Point(domain, x, y);
    }

    private byte[] SignDigest(byte[] e)
    {
        var n = _domain.N;
        var eInt = new BigInteger(1, e);
        Span<byte> kBytes = stackalloc byte[32];
        Span<byte> x = stackalloc byte[32];
        Span<byte> unused = stackalloc byte[32];
        while (true)
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(kBytes);
            if (!Curves.Sm2Curve.IsScalar(kBytes))
            {
                continue; // rejection sampling keeps k uniform in [1, n-1]
            }

            var k = new BigInteger(1, kBytes);
            Curves.Sm2Curve.MultiplyGenerator(kBytes, x, unused);
            var x1 = new BigInteger(1, x);
            var r = eInt.Add(x1).Mod(n);
            if (r.SignValue == 0 || r.Add(k).Equals(n))
            {
                continue;
            }

            var s = _inverseOnePlusD.Multiply(k.Subtract(r.Multiply(_d))).Mod(n);
            if (s.SignValue == 0)
            {
                continue;
            }

            kBytes.Clear();
            return new DerSequence(new DerInteger(r), new DerInteger(s)).GetEncoded(Asn1Encodable.Der);
        }
    }

    private sealed class Operation(Sm2SigningKey key) : ISignatureOperation
    {
        private readonly SM3Digest _digest = new(key._afterZ);
        private bool _completed;

        public void Update(ReadOnlySpan<byte> data) => _digest.BlockUpdate(data);

        public byte[] Complete()
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            _completed = true;
            var e = new byte[_digest.GetDigestSize()];
            _digest.DoFinal(e, 0);
            return key.SignDigest(e);
        }

        public void Dispose()
        {
        }
    }
}
