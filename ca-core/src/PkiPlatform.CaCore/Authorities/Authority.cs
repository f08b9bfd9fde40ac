using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Authorities;

/// <summary>A loaded CA: its record, parsed certificate and a signer for its key.</summary>
public sealed class Authority
{
    private readonly Lazy<ISigningKey> _signer;

    /// <param name="entity">The record.</param>
    /// <param name="signer">Opened on first use: a zone without CA keys reads the certificate and fails only if it tries to sign.</param>
    public Authority(AuthorityEntity entity, Func<ISigningKey> signer)
    {
        Entity = entity;
        _signer = new Lazy<ISigningKey>(signer, LazyThreadSafetyMode.PublicationOnly);
        Certificate = X509CertificateStructure.GetInstance(entity.CertificateDer);
        KeyAlgorithm = KeyAlgorithmNames.Parse(entity.KeyAlgorithm);
        SignatureAlgorithm = KeyAlgorithm.DefaultSignature();
    }

    public AuthorityEntity Entity { get; }

    public int Id => Entity.Id;

    public string Name => Entity.Name;

    public X509CertificateStructure Certificate { get; }

    public X509Name Subject => Certificate.Subject;

    public ISigningKey Signer => _signer.Value;

    public KeyAlgorithm KeyAlgorithm { get; }

    public SignatureAlgorithm SignatureAlgorithm { get; }

    public DateTime NotBefore => Certificate.StartDate.ToDateTime();

    public DateTime NotAfter => Certificate.EndDate.ToDateTime();
}
