using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace PkiPlatform.KeyStore.Software;

/// <summary>Generates key pairs as PKCS#8 plus SubjectPublicKeyInfo, and loads them back as signers.</summary>
internal static class SoftwareKeyMaterial
{
    public static (byte[] Pkcs8, byte[] Spki) Generate(KeyAlgorithm algorithm)
    {
        switch (algorithm)
        {
            case KeyAlgorithm.EcP256:
            case KeyAlgorithm.EcP384:
                using (var ec = ECDsa.Create(algorithm == KeyAlgorithm.EcP256 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384))
                {
                    return (ec.ExportPkcs8PrivateKey(), ec.ExportSubjectPublicKeyInfo());
                }

            case KeyAlgorithm.Sm2:
                var generator = new ECKeyPairGenerator();
                generator.Init(new ECKeyGenerationParameters(GMObjectIdentifiers.sm2p256v1, new SecureRandom()));
                var pair = generator.GenerateKeyPair();
                return (PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetDerEncoded(),
                    SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetDerEncoded());

            default:
                using (var rsa = RSA.Create(algorithm.RsaBits()))
                {
                    return (rsa.ExportPkcs8PrivateKey(), rsa.ExportSubjectPublicKeyInfo());
                }
        }
    }

    public static ISigningKey Load(KeyInfo info, byte[] pkcs8)
    {
        switch (info.Algorithm)
        {
            case KeyAlgorithm.EcP256:
            case KeyAlgorithm.EcP384:
                var ec = ECDsa.Create();
                ec.ImportPkcs8PrivateKey(pkcs8, out _);
                return new SoftwareSigningKey(info, ec);
            case KeyAlgorithm.Sm2:
                var key = (ECPrivateKeyParameters)PrivateKeyFactory.CreateKey(pkcs8);
                return new SoftwareSigningKey(info, key);
            default:
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                return new SoftwareSigningKey(info, rsa);
        }
    }
}
