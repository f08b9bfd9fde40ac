using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.CaCore.Revocation;

/// <summary>
/// The CA's own word on a client certificate that already chained to the platform's root: issued by this
/// platform, not revoked, not on hold. Hosts call it after TLS; the identity is the subject DN.
/// </summary>
public static class PlatformCredentialCheck
{
    /// <returns>The identity, or why the certificate is refused.</returns>
    public static async Task<(string? Identity, string? Refusal)> CheckAsync(CertificateAuthority ca, byte[] der, CancellationToken cancellationToken = default)
    {
        var certificate = X509CertificateStructure.GetInstance(der);
        var serial = SerialNumbers.ToHex(certificate.SerialNumber.Value.ToByteArrayUnsigned());
        await using var db = ca.Database.CreateContext();
        var record = await db.Certificates.AsNoTracking()
            .Where(c => c.Serial == serial)
            .Select(c => new { c.Status, c.RevokedAt, c.RevocationReason })
            .FirstOrDefaultAsync(cancellationToken);
        if (record is null || record.Status == CertificateStatus.Intent)
        {
            return (null, "the client certificate was not issued by this platform");
        }

        if (record.Status is CertificateStatus.Revoked or CertificateStatus.OnHold)
        {
            var reason = ((RevocationReason)(record.RevocationReason ?? 0)).ToString();
            return (null, $"the client certificate was revoked on {record.RevokedAt:yyyy-MM-dd HH:mm} UTC ({reason})");
        }

        return (certificate.Subject.ToString(), null);
    }
}
