using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using PkiPlatform.KeyStore;

namespace PkiPlatform.KeyStore.Tests;

/// <summary>Verifies key-store signatures with libraries independent of the signing path.</summary>
internal static class KeyVerification
{
    public static bool Verify(KeyInfo key, SignatureAlgorithm algorithm, byte[] data, byte[] signature)
    {
        switch (algorithm)
        {
            case SignatureAlgorithm.Sm3WithSm2:
                var signer = new SM2Signer();
                signer.Init(false, new ParametersWithID((ECPublicKeyParameters)PublicKeyFactory.CreateKey(key.SubjectPublicKeyInfo), "1234567812345678"u8.ToArray()));
                signer.BlockUpdate(data, 0, data.Length);
                return signer.VerifySignature(signature);
            case SignatureAlgorithm.EcdsaSha256:
            case SignatureAlgorithm.EcdsaSha384:
                using (var ec = ECDsa.Create())
                {
                    ec.ImportSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _);
                    var hash = algorithm == SignatureAlgorithm.EcdsaSha384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
                    return ec.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
                }

            default:
                using (var rsa = RSA.Create())
                {
                    rsa.ImportSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _);
                    var hash = algorithm == SignatureAlgorithm.RsaPkcs1Sha384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
                    var padding = algorithm == SignatureAlgorithm.RsaPssSha256 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                    return rsa.VerifyData(data, signature, hash, padding);
                }
        }
    }

    public static byte[] Sign(ISigningKey key, SignatureAlgorithm algorithm, byte[] data)
    {
        using var operation = key.BeginSign(algorithm);
        operation.Update(data.AsSpan(0, data.Length / 2));
        operation.Update(data.AsSpan(data.Length / 2));
        return operation.Complete();
    }
}
