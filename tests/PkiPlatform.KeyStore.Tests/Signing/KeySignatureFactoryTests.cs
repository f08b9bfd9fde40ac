using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using PkiPlatform.KeyStore.Signing;
using PkiPlatform.KeyStore.Software;

namespace PkiPlatform.KeyStore.Tests.Signing;

public sealed class KeySignatureFactoryTests
{
    [TestCase(KeyAlgorithm.EcP256)]
    [TestCase(KeyAlgorithm.Rsa2048)]
    [TestCase(KeyAlgorithm.Sm2)]
    public void BouncyCastleGenerator_SignsThroughKeyStore_CertificateVerifies(KeyAlgorithm algorithm)
    {
        var directory = Directory.CreateTempSubdirectory("pki-sf-").FullName;
        try
        {
            using var store = new SoftwareKeyStore(new SoftwareKeyStoreOptions { Directory = directory, Passphrase = "adapter test passphrase", ScryptLog2N = 10 });
            var info = store.Generate("ca", algorithm);
            var generator = new X509V3CertificateGenerator();
            generator.SetSerialNumber(Org.BouncyCastle.Math.BigInteger.ValueOf(42));
            generator.SetIssuerDN(new X509Name("CN=Adapter"));
            generator.SetSubjectDN(new X509Name("CN=Adapter"));
            generator.SetNotBefore(DateTime.UtcNow.AddMinutes(-1));
            generator.SetNotAfter(DateTime.UtcNow.AddDays(1));
            generator.SetPublicKey(Org.BouncyCastle.Security.PublicKeyFactory.CreateKey(info.SubjectPublicKeyInfo));

            var certificate = generator.Generate(new KeySignatureFactory(store.GetSigner("ca")));

            var verifier = algorithm == KeyAlgorithm.Sm2
                ? (Org.BouncyCastle.Crypto.IVerifierFactoryProvider)new Org.BouncyCastle.Crypto.Operators.Asn1VerifierFactoryProvider(certificate.GetPublicKey())
                : new Org.BouncyCastle.Crypto.Operators.Asn1VerifierFactoryProvider(certificate.GetPublicKey());
            Assert.DoesNotThrow(() => certificate.Verify(verifier));
            Assert.That(certificate.SigAlgOid, Is.EqualTo(SignatureAlgorithms.Identifier(algorithm.DefaultSignature()).Algorithm.Id));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
