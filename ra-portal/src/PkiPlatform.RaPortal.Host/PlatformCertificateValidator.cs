using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.RaPortal.Host;

/// <summary>
/// After the chain has been built to the platform's own root (never the OS store), checks the
/// certificate against the CA's records: issued by this platform, not revoked, not on hold. The
/// identity is the subject DN as the CA recorded it; the RA role comes from the accounts table.
/// </summary>
public sealed class PlatformCertificateValidator(CertificateAuthority ca, RegistrationAuthority ra)
{
    public const string RoleClaim = ClaimTypes.Role;

    /// <summary>HttpContext item carrying the refusal reason to the challenge.</summary>
    public const string FailureKey = "pki.client-certificate.failure";

    public async Task ValidateAsync(CertificateValidatedContext context)
    {
        var certificate = X509CertificateStructure.GetInstance(context.ClientCertificate.RawData);
        var serial = SerialNumbers.ToHex(certificate.SerialNumber.Value.ToByteArrayUnsigned());
        await using var db = ca.Database.CreateContext();
        var record = await db.Certificates.AsNoTracking()
            .Where(c => c.Serial == serial)
            .Select(c => new { c.Status, c.RevokedAt, c.RevocationReason, c.SubjectDn })
            .FirstOrDefaultAsync(context.HttpContext.RequestAborted);
        if (record is null || record.Status == CertificateStatus.Intent)
        {
            Refuse(context, "the client certificate was not issued by this platform");
            return;
        }

        if (record.Status is CertificateStatus.Revoked or CertificateStatus.OnHold)
        {
            var reason = ((CaCore.Revocation.RevocationReason)(record.RevocationReason ?? 0)).ToString();
            Refuse(context, $"the client certificate was revoked on {record.RevokedAt:yyyy-MM-dd HH:mm} UTC ({reason})");
            return;
        }

        var identity = certificate.Subject.ToString();
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, identity, ClaimValueTypes.String, context.Options.ClaimsIssuer),
            new(ClaimTypes.Name, identity, ClaimValueTypes.String, context.Options.ClaimsIssuer),
        };
        if (await ra.FindAccountAsync(identity, context.HttpContext.RequestAborted) is { } account)
        {
            claims.Add(new Claim(RoleClaim, account.Role.ToString(), ClaimValueTypes.String, context.Options.ClaimsIssuer));
        }

        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, context.Scheme.Name));
        context.Success();
    }

    private static void Refuse(CertificateValidatedContext context, string reason)
    {
        context.HttpContext.Items[FailureKey] = reason;
        context.Fail(reason);
    }
}
