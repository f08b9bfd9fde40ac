using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Signing;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>The last phase of issuance: the only step that touches the CA key.</summary>
public static class CertificateSigner
{
    public static X509CertificateStructure Sign(TbsCertificateStructure tbs, ISigningKey key, SignatureAlgorithm algorithm)
    {
        var der = tbs.GetDerEncoded();
        using var operation = key.BeginSign(algorithm);
        operation.Update(der);
        var signature = operation.Complete();
        return new X509CertificateStructure(tbs, SignatureAlgorithms.Identifier(algorithm), new DerBitString(signature));
    }
}
