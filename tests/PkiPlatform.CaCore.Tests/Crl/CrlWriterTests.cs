using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore.Crl;
using CrlEntry = PkiPlatform.CaCore.Crl.CrlEntry;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.CaCore.Tests.Crl;

public sealed class CrlWriterTests
{
    [TestCase(KeyAlgorithm.EcP256)]
    [TestCase(KeyAlgorithm.Rsa2048)]
    [TestCase(KeyAlgorithm.Sm2)]
    public async Task Write_TenThousandEntries_BouncyCastleParsesAndVerifiesEveryEntry(KeyAlgorithm algorithm)
    {
        await using var pki = await TestPki.CreateAsync(algorithm);
        var authority = await pki.Ca.Authorities.GetAsync("issuing");
        var now = new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
        var entries = Enumerable.Range(1, 10_000).Select(i => new CrlEntry(BitConverter.GetBytes(i * 7919L).Reverse().ToArray(), now.AddSeconds(-i),
            i % 3 == 0 ? null : 1 + (i % 5), i % 10 == 0 ? now.AddDays(-3) : null)).ToList();
        using var output = new MemoryStream();

        var count = CrlWriter.Write(authority, new CrlDocument(7, null, now, now.AddDays(1), "http://127.0.0.1:8080/crl/issuing-delta.crl"), entries, output);

        var crl = new X509CrlParser().ReadCrl(output.ToArray());
        crl.Verify(new X509CertificateParser().ReadCertificate(pki.IssuingDer).GetPublicKey());
        Assert.That(count, Is.EqualTo(10_000));
        Assert.That(crl.GetRevokedCertificates(), Has.Count.EqualTo(10_000));
        var tenth = crl.GetRevokedCertificate(Org.BouncyCastle.Math.BigInteger.ValueOf(10 * 7919L))!;
        Assert.That(tenth.RevocationDate, Is.EqualTo(now.AddSeconds(-10)));
        Assert.That(tenth.GetExtensionParsedValue(X509Extensions.InvalidityDate), Is.Not.Null);
        var third = crl.GetRevokedCertificate(Org.BouncyCastle.Math.BigInteger.ValueOf(3 * 7919L))!;
        Assert.That(third.HasExtensions, Is.False, "unspecified reason: no reasonCode (RFC 5280 §5.3.1)");
    }

    [Test]
    public async Task Write_TimesFrom2050_GeneralizedTime()
    {
        await using var pki = await TestPki.CreateAsync();
        var authority = await pki.Ca.Authorities.GetAsync("issuing");
        var late = new DateTime(2051, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        using var output = new MemoryStream();
        CrlWriter.Write(authority, new CrlDocument(1, null, late, late.AddDays(1), null), [new CrlEntry([0x42], late, 1, null)], output);
        var crl = new X509CrlParser().ReadCrl(output.ToArray());
        Assert.That(crl.ThisUpdate, Is.EqualTo(late));
        Assert.That(crl.GetRevokedCertificates().Single().RevocationDate, Is.EqualTo(late));
    }
}
