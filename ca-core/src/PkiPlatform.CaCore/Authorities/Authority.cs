using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Authorities;

/// <summary>A loaded CA: its record, parsed certificate and a signer for its key.</summary>
public sealed class Authority
{
    public Authority(AuthorityEntity entity, ISigningKey signer)
    {
        Entity = entity;
        Signer = signer;
        Certificate = X509CertificateStructure.GetInstance(entity.CertificateDer);
        KeyAlgorithm = KeyAlgorithmNames.Parse(entity.KeyAlgorithm);
        SignatureAlgorithm = KeyAlgorithm.DefaultSignature();
    }

    public AuthorityEntity Entity { get; }

    public int Id => Entity.Id;

    public string Name => Entity.Name;

    public X509CertificateStructure Certificate { get; }

    public X509Name Subject => Certificate.Subject;

    public ISigningKey Signer { get; }

    public KeyAlgorithm KeyAlgorithm { get; }

    public SignatureAlgorithm SignatureAlgorithm { get; }

    public DateTime NotBefore => Certificate.StartDate.ToDateTime();

    public DateTime NotAfter => Certificate.EndDate.ToDateTime();
}
