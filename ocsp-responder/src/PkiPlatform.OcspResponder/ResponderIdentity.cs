using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.KeyStore;

namespace PkiPlatform.OcspResponder;

/// <summary>Who signs the answers for one CA: its delegated responder certificate and key (responderID byKey).</summary>
public sealed class ResponderIdentity
{
    public ResponderIdentity(Authority authority, X509Certificate certificate, ISigningKey signer)
    {
        Authority = authority;
        Certificate = certificate;
        Signer = signer;
        ResponderId = new RespID(certificate.GetPublicKey());
        Chain = [certificate];
    }

    public Authority Authority { get; }

    public X509Certificate Certificate { get; }

    public X509Certificate[] Chain { get; }

    public ISigningKey Signer { get; }

    public RespID ResponderId { get; }

    public DateTime NotAfter => Certificate.NotAfter;
}
