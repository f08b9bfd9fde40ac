using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using PkiPlatform.KeyStore.Curves;
using PkiPlatform.KeyStore.Signing;

namespace PkiPlatform.KeyStore.Tests.Signing;

/// <summary>The allocation-free SM2 verifier against signatures made by BouncyCastle's SM2Signer and by the key store's own signer.</summary>
public sealed class Sm2SignatureVerifierTests
{
    private static readonly byte[] Id = "1234567812345678"u8.ToArray();

    private static byte[] BouncyCastleSign(ECPrivateKeyParameters key, byte[] message, byte[]? id = null)
    {
        var signer = new SM2Signer();
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(key, new SecureRandom()), id ?? Id));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    [Test]
    public void Verify_BouncyCastleAndOwnSignatures_Accepted_AlteredOnesRefused()
    {
        var random = new Random(11);
        for (var i = 0; i < 30; i++)
        {
            var pair = Sm2KeyPairGenerator.Generate(Sm2Domain.Parameters);
            var priv = (ECPrivateKeyParameters)pair.Private;
            var pub = (ECPublicKeyParameters)pair.Public;
            var message = new byte[random.Next(0, 400)];
            random.NextBytes(message);
            var theirs = BouncyCastleSign(priv, message);
            var ours = new Sm2SigningKey(priv).Sign(message);
            Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, theirs), $"BouncyCastle's signature {i}");
            Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, ours), $"our signature {i}");
            var other = (ECPublicKeyParameters)Sm2KeyPairGenerator.Generate(Sm2Domain.Parameters).Public;
            Assert.That(Sm2SignatureVerifier.Verify(other, Id, message, theirs), Is.False, "another key");
            Assert.That(Sm2SignatureVerifier.Verify(pub, "1234567812345679"u8, message, theirs), Is.False, "another signer ID");
            var altered = (byte[])message.Clone();
            if (altered.Length > 0)
            {
                altered[random.Next(altered.Length)] ^= 0x40;
                Assert.That(Sm2SignatureVerifier.Verify(pub, Id, altered, theirs), Is.False, "altered message");
            }

            var bent = (byte[])theirs.Clone();
            bent[^1] ^= 1;
            Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, bent), Is.False, "altered s");
        }
    }

    [Test]
    public void Verify_MalformedOrOutOfRangeSignatures_Refused()
    {
        var pair = Sm2KeyPairGenerator.Generate(Sm2Domain.Parameters);
        var pub = (ECPublicKeyParameters)pair.Public;
        var message = "message"u8.ToArray();
        var good = BouncyCastleSign((ECPrivateKeyParameters)pair.Private, message);
        var sequence = Asn1Sequence.GetInstance(good);
        var r = DerInteger.GetInstance(sequence[0]).Value;
        var s = DerInteger.GetInstance(sequence[1]).Value;
        var n = Sm2Domain.Parameters.N;
        byte[] Encode(BigInteger a, BigInteger b) => new DerSequence(new DerInteger(a), new DerInteger(b)).GetEncoded(Asn1Encodable.Der);

        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, good));
        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, Encode(r.Add(n), s)), Is.False, "r + n (same residue, out of range)");
        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, Encode(r, s.Add(n))), Is.False, "s + n");
        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, Encode(BigInteger.Zero, s)), Is.False, "r = 0");
        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, Encode(r, BigInteger.Zero)), Is.False, "s = 0");
        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, Encode(r, n.Subtract(r))), Is.False, "r + s = n");
        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, Encode(r.Negate(), s)), Is.False, "negative r");
        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, [.. good, 0]), Is.False, "trailing byte");
        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, [0x30, 0x81, .. good[1..]]), Is.False, "non-minimal length (BER)");
        // r with a superfluous leading zero byte: the same value, a non-canonical INTEGER (signature malleability)
        var rBytes = r.ToByteArray();
        byte[] padded = [0x02, (byte)(rBytes.Length + 1), 0x00, .. rBytes];
        var sEncoded = new DerInteger(s).GetEncoded();
        byte[] body = [.. padded, .. sEncoded];
        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, [0x30, (byte)body.Length, .. body]), Is.False, "non-minimal INTEGER");
        Assert.That(Sm2SignatureVerifier.Verify(pub, new byte[8192], message, good), Is.False, "a signer ID longer than ENTL allows");
        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, new DerSequence(new DerInteger(r)).GetEncoded()), Is.False, "one integer");
        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, []), Is.False, "empty");
        Assert.That(Sm2SignatureVerifier.Verify(pub, Id, message, [0x04, 0x02, 0x01, 0x01]), Is.False, "not a SEQUENCE");
        var p256 = ECNamedDomainParameters.LookupOid(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1);
        var foreign = new ECPublicKeyParameters(p256.G.Multiply(BigInteger.Two).Normalize(), p256);
        Assert.That(Sm2SignatureVerifier.Verify(foreign, Id, message, good), Is.False, "a P-256 key");
    }
}
