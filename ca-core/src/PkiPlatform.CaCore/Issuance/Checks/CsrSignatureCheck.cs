using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using PkiPlatform.CaCore.Profiles;
using PkiPlatform.KeyStore.Signing;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Issuance.Checks;

/// <summary>
/// Proof of possession: the CSR is signed by the key it certifies. RSA and ECDSA verify through
/// .NET (OpenSSL); SM3withSM2 through the key store's allocation-free <see cref="Sm2SignatureVerifier"/> with the
/// GM/T 0009 default ID. SHA-1 is refused.
/// </summary>
public sealed class CsrSignatureCheck : IIssuanceCheck
{
    public const string Rule = "csr-signature";

    public CheckResult Evaluate(CertificateRequest request, CertificateProfile profile)
    {
        if (request.Csr is null)
        {
            // Issue 13: a key the KMC generated has no request to sign; the KMC holds the private key and is
            // authenticated by the channel (mutual TLS), as in GM/T 0014. Only a profile for KMC keys takes one.
            return profile.KmcKeysOnly
                ? CheckResult.Pass(Rule, "csr.kmc-key", "the key came from the key management centre for this dual issuance (there is no applicant's request to verify)")
                : CheckResult.Fail(Rule, "csr.missing", "there is no CSR: only a profile for keys the key management centre generates takes a key without one");
        }

        var algorithm = request.Csr.SignatureAlgorithm.Algorithm;
        var signed = request.Csr.GetCertificationRequestInfo().GetDerEncoded();
        var signature = request.Csr.GetSignatureOctets();
        var spki = request.PublicKey.GetDerEncoded();
        try
        {
            bool valid;
            if (TryRsaHash(algorithm, out var rsaHash))
            {
                using var rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(spki, out _);
                valid = rsa.VerifyData(signed, signature, rsaHash, RSASignaturePadding.Pkcs1);
            }
            else if (TryEcdsaHash(algorithm, out var ecHash) && request.KeyAlgorithm is not KeyStore.KeyAlgorithm.Sm2)
            {
                using var ecdsa = ECDsa.Create();
                ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
                valid = ecdsa.VerifyData(signed, signature, ecHash, DSASignatureFormat.Rfc3279DerSequence);
            }
            else if (algorithm.Equals(GMObjectIdentifiers.sm2sign_with_sm3))
            {
                valid = PublicKeyFactory.CreateKey(request.PublicKey) is ECPublicKeyParameters sm2
                    && Sm2SignatureVerifier.Verify(sm2, SignatureAlgorithms.Sm2DefaultUserId, signed, signature);
            }
            else if (algorithm.Equals(PkcsObjectIdentifiers.Sha1WithRsaEncryption) || algorithm.Equals(X9ObjectIdentifiers.ECDsaWithSha1))
            {
                return CheckResult.Fail(Rule, "csr.sha1", "the CSR is signed with SHA-1, which is not accepted; sign it with SHA-256 or stronger");
            }
            else
            {
                return CheckResult.Fail(Rule, "csr.algorithm", "the CSR signature algorithm {0} is not supported; use SHA-256 with RSA, ECDSA or SM2", algorithm.Id);
            }

            return valid
                ? CheckResult.Pass(Rule, "csr.pop", "the CSR is signed by its own key (proof of possession)")
                : CheckResult.Fail(Rule, "csr.bad-signature", "the CSR signature does not verify with the key it contains: it was altered or not signed by that key");
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            return CheckResult.Fail(Rule, "csr.unverifiable", "the CSR signature cannot be checked: {0}", ex.Message);
        }
    }

    private static bool TryRsaHash(DerObjectIdentifier oid, out HashAlgorithmName hash)
    {
        hash = oid.Equals(PkcsObjectIdentifiers.Sha256WithRsaEncryption) ? HashAlgorithmName.SHA256
            : oid.Equals(PkcsObjectIdentifiers.Sha384WithRsaEncryption) ? HashAlgorithmName.SHA384
            : oid.Equals(PkcsObjectIdentifiers.Sha512WithRsaEncryption) ? HashAlgorithmName.SHA512
            : default;
        return hash != default;
    }

    private static bool TryEcdsaHash(DerObjectIdentifier oid, out HashAlgorithmName hash)
    {
        hash = oid.Equals(X9ObjectIdentifiers.ECDsaWithSha256) ? HashAlgorithmName.SHA256
            : oid.Equals(X9ObjectIdentifiers.ECDsaWithSha384) ? HashAlgorithmName.SHA384
            : oid.Equals(X9ObjectIdentifiers.ECDsaWithSha512) ? HashAlgorithmName.SHA512
            : default;
        return hash != default;
    }
}
