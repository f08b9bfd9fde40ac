using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.OcspResponder;

/// <summary>
/// Keeps a delegated responder certificate (profile ocsp-signing) for every CA: a key generated in
/// the key store, a CSR signed by it, a certificate issued by the CA it answers for, renewed before
/// it expires. Everything goes through the ordinary audited issuance path.
/// </summary>
public sealed class ResponderProvisioner(CertificateAuthority ca, OcspResponderOptions options, TimeProvider clock)
{
    public async Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        foreach (var authority in await ca.Authorities.AllAsync(cancellationToken))
        {
            await EnsureAsync(authority, cancellationToken);
        }
    }

    private async Task EnsureAsync(Authority authority, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var db = ca.Database.CreateContext())
        {
            var renewAfter = now.AddDays(options.ResponderRenewBeforeDays);
            if (await db.Responders.AnyAsync(r => r.AuthorityId == authority.Id && r.NotAfter > renewAfter, cancellationToken))
            {
                return;
            }
        }

        var label = $"ocsp-{authority.Name}-{now:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        var commonName = $"{authority.Subject.GetValueList(X509Name.CN).FirstOrDefault() ?? authority.Name} OCSP Responder";
        var subject = new X509Name([X509Name.CN], [commonName.Length > 64 ? commonName[..64] : commonName]);
        var issued = await ca.ServiceCertificates.IssueForNewKeyAsync(authority.Name, authority.KeyAlgorithm, label, subject,
            "ocsp-signing", options.ResponderValidityDays, "ocsp-responder",
            account: new AccountBinding(AccountIdentity.Platform("ocsp-" + authority.Name), commonName), cancellationToken: cancellationToken);

        await using var store = ca.Database.CreateContext();
        store.Responders.Add(new ResponderEntity
        {
            AuthorityId = authority.Id,
            KeyLabel = label,
            Serial = issued.Serial,
            CertificateDer = issued.Der,
            NotBefore = issued.NotBefore,
            NotAfter = issued.NotAfter,
            CreatedAt = now,
        });
        await store.SaveChangesAsync(cancellationToken);
    }
}
