using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using PkiPlatform.CaCore.Keys;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Signing;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// Certificates for the platform's own services (OCSP responders, the TSA): a new key generated in the
/// key store (audited), a CSR signed by it, and a certificate from the named CA through the ordinary
/// checked, linted and audited issuance path.
/// </summary>
public sealed class ServiceCertificates(IKeyStore keys, KeyCustody custody, CertificateIssuer issuer)
{
    public async Task<IssuedCertificate> IssueForNewKeyAsync(string authority, KeyAlgorithm algorithm, string keyLabel, X509Name subject,
        string profile, int validityDays, string actor, KeyPurpose purpose = KeyPurpose.Signing, AccountBinding? account = null, CancellationToken cancellationToken = default)
    {
        var key = await custody.GenerateAsync(keyLabel, algorithm, actor, purpose, cancellationToken);
        var csr = new Pkcs10CertificationRequest(new KeySignatureFactory(keys.GetSigner(keyLabel)), subject, PublicKeyFactory.CreateKey(key.SubjectPublicKeyInfo), null);
        return await issuer.IssueFromAsync(authority, new IssuanceRequest(csr.GetEncoded(), profile, validityDays, account), actor, cancellationToken);
    }
}
