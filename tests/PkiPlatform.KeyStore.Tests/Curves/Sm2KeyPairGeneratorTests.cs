using Org.BouncyCastle.Crypto.Parameters;
using PkiPlatform.KeyStore.Curves;

namespace PkiPlatform.KeyStore.Tests.Curves;

/// <summary>SM2 pairs and SM2 encryption on the allocation-free arithmetic, checked by BouncyCastle's curve and SM2Engine.</summary>
public sealed class Sm2KeyPairGeneratorTests
{
    [Test]
    public void Generate_PublicPointIsDTimesG_AndKeysDiffer()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var pair = Sm2KeyPairGenerator.Generate(Sm2Domain.Parameters);
            var d = ((ECPrivateKeyParameters)pair.Private).D;
            var q = ((ECPublicKeyParameters)pair.Public).Q;
            Assert.That(q.IsValid(), "on the curve");
            Assert.That(q.Equals(Sm2Domain.Parameters.G.Multiply(d).Normalize()), "Q = d·G");
            Assert.That(d.SignValue, Is.EqualTo(1));
            Assert.That(d.CompareTo(Sm2Domain.Parameters.N.Subtract(Org.BouncyCastle.Math.BigInteger.One)), Is.LessThan(0), "d <= n - 2");
            Assert.That(seen.Add(d.ToString(16)), "fresh d");
        }
    }

    [Test]
    public void Generate_OtherCurve_Refused()
    {
        var p256 = ECNamedDomainParameters.LookupOid(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1);
        Assert.Throws<ArgumentException>(() => Sm2KeyPairGenerator.Generate(p256));
    }

    [TestCase(1)]
    [TestCase(16)]
    [TestCase(32)]
    [TestCase(33)]
    [TestCase(200)]
    public void Encrypt_DecryptsWithBouncyCastlesEngine(int length)
    {
        var pair = Sm2KeyPairGenerator.Generate(Sm2Domain.Parameters);
        var message = new byte[length];
        Random.Shared.NextBytes(message);
        var cipher = Sm2Encryption.Encrypt((ECPublicKeyParameters)pair.Public, message);
        Assert.That(Sm2Encryption.Decrypt((ECPrivateKeyParameters)pair.Private, cipher.GetDerEncoded()), Is.EqualTo(message));
        var other = Sm2KeyPairGenerator.Generate(Sm2Domain.Parameters);
        Assert.Throws<PkiException>(() => Sm2Encryption.Decrypt((ECPrivateKeyParameters)other.Private, cipher.GetDerEncoded()), "another key fails the C3 check");
        Assert.That(Sm2Encryption.Encrypt((ECPublicKeyParameters)pair.Public, message).GetDerEncoded(), Is.Not.EqualTo(cipher.GetDerEncoded()), "fresh k");
    }

    [Test]
    public void Encrypt_EmptyPlaintext_Refused()
    {
        var pair = Sm2KeyPairGenerator.Generate(Sm2Domain.Parameters);
        Assert.Throws<ArgumentException>(() => Sm2Encryption.Encrypt((ECPublicKeyParameters)pair.Public, []));
    }
}
