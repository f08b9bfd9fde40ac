using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using PkiPlatform.KeyStore;

namespace PkiPlatform.TestKit;

/// <summary>PKCS#10 requests made at run time with fresh keys; the private key comes back as PKCS#8 PEM.</summary>
public static class TestCsr
{
    public sealed record Generated(byte[] Der, string PrivateKeyPem);

    public static Generated Create(KeyAlgorithm algorithm, string subject, params string[] subjectAltNames)
    {
        if (algorithm == KeyAlgorithm.Sm2)
        {
            return CreateSm2(subject, subjectAltNames);
        }

        using AsymmetricAlgorithm key = algorithm.IsRsa() ? RSA.Create(algorithm.RsaBits()) : ECDsa.Create(algorithm == KeyAlgorithm.EcP384 ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP256);
        var name = new X500DistinguishedName(subject);
        var request = key is RSA rsa
            ? new System.Security.Cryptography.X509Certificates.CertificateRequest(name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new System.Security.Cryptography.X509Certificates.CertificateRequest(name, (ECDsa)key, algorithm == KeyAlgorithm.EcP384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256);
        if (subjectAltNames.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var entry in subjectAltNames)
            {
                var (type, value) = (entry[..entry.IndexOf(':', StringComparison.Ordinal)], entry[(entry.IndexOf(':', StringComparison.Ordinal) + 1)..]);
                switch (type)
                {
                    case "dns": san.AddDnsName(value); break;
                    case "email": san.AddEmailAddress(value); break;
                    case "ip": san.AddIpAddress(System.Net.IPAddress.Parse(value)); break;
                    case "uri": san.AddUri(new Uri(value)); break;
                    default: throw new ArgumentException($"unknown SAN type {type}", nameof(subjectAltNames));
                }
            }

            request.CertificateExtensions.Add(san.Build());
        }

        return new Generated(request.CreateSigningRequest(), key.ExportPkcs8PrivateKeyPem());
    }

    private static Generated CreateSm2(string subject, string[] subjectAltNames)
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(GMObjectIdentifiers.sm2p256v1, new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        Org.BouncyCastle.Asn1.DerSet? attributes = null;
        if (subjectAltNames.Length > 0)
        {
            var names = new GeneralNames(subjectAltNames.Select(s => new GeneralName(GeneralName.Rfc822Name, s[(s.IndexOf(':', StringComparison.Ordinal) + 1)..])).ToArray());
            var extensions = new X509ExtensionsGenerator();
            extensions.AddExtension(X509Extensions.SubjectAlternativeName, false, names);
            attributes = new Org.BouncyCastle.Asn1.DerSet(new AttributePkcs(PkcsObjectIdentifiers.Pkcs9AtExtensionRequest, new Org.BouncyCastle.Asn1.DerSet(extensions.Generate())));
        }

        var csr = new Pkcs10CertificationRequest(new Asn1SignatureFactory("SM3WITHSM2", pair.Private), new X509Name(subject), pair.Public, attributes);
        var pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetDerEncoded();
        return new Generated(csr.GetEncoded(), new string(PemEncoding.Write("PRIVATE KEY", pkcs8)) + "\n");
    }
}
