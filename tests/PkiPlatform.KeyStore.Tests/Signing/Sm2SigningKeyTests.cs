using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using PkiPlatform.KeyStore.Signing;

namespace PkiPlatform.KeyStore.Tests.Signing;

/// <summary>The key store's SM2 signer (Z_A and (1+d)⁻¹ computed once per key) against BouncyCastle's own SM2Signer as verifier and signer.</summary>
public sealed class Sm2SigningKeyTests
{
    private static (ECPrivateKeyParameters Private, ECPublicKeyParameters Public) NewPair()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(GMObjectIdentifiers.sm2p256v1, new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        return ((ECPrivateKeyParameters)pair.Private, (ECPublicKeyParameters)pair.Public);
    }

    private static bool Verify(ECPublicKeyParameters key, byte[] message, byte[] signature)
    {
        var verifier = new SM2Signer();
        verifier.Init(false, new ParametersWithID(key, "1234567812345678"u8.ToArray()));
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature);
    }

    [Test]
    public void Signatures_VerifyWithBouncyCastlesSm2Signer_AndAreFreshEachTime()
    {
        var (priv, pub) = NewPair();
        var computed = new Sm2SigningKey(priv);
        var supplied = new Sm2SigningKey(priv, pub.Q);
        Assert.That(computed.PublicPoint.Equals(pub.Q.Normalize()), "the public point is d·G");
        var random = new Random(7);
        for (var i = 0; i < 100; i++)
        {
            var message = new byte[random.Next(0, 300)];
            random.NextBytes(message);
            var signature = (i % 2 == 0 ? computed : supplied).Sign(message);
            Assert.That(Verify(pub, message, signature), $"signature {i} ({message.Length} bytes) verifies");
            var sequence = Asn1Sequence.GetInstance(signature);
            Assert.That(sequence.Count, Is.EqualTo(2), "DER SEQUENCE { r, s }");
            if (message.Length > 0)
            {
                message[0] ^= 1;
                Assert.That(Verify(pub, message, signature), Is.False, "an altered message does not verify");
            }
        }

        var data = "same message"u8.ToArray();
        var first = computed.Sign(data);
        Assert.That(computed.Sign(data), Is.Not.EqualTo(first), "k is fresh for every signature");
    }

    [Test]
    public void ZValue_MatchesWhatBouncyCastleSignsOver()
    {
        // BouncyCastle's signer with our Z: a signature made by SM2Signer over M verifies as ours does, i.e. e = SM3(Z ‖ M).
        var (priv, pub) = NewPair();
        var message = "GM/T 0003.2"u8.ToArray();
        var signer = new SM2Signer();
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(priv, new SecureRandom()), "1234567812345678"u8.ToArray()));
        signer.BlockUpdate(message, 0, message.Length);
        var theirs = signer.GenerateSignature();
        Assert.That(Verify(pub, message, theirs));
        Assert.That(Verify(pub, message, new Sm2SigningKey(priv).Sign(message)));
        Assert.That(Sm2SigningKey.ZValue(priv.Parameters, pub.Q, "1234567812345678"u8), Has.Length.EqualTo(32));
    }

    [Test]
    public void OutOfRangeKey_Refused()
    {
        var (priv, _) = NewPair();
        var nMinusOne = new ECPrivateKeyParameters(priv.Parameters.N.Subtract(Org.BouncyCastle.Math.BigInteger.One), priv.Parameters); // 1 + d = n has no inverse
        Assert.Throws<ArgumentException>(() => _ = new Sm2SigningKey(nMinusOne));
    }
}
