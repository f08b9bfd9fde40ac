using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Certificate;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Revocation;

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
        var (identity, refusal) = await PlatformCredentialCheck.CheckAsync(ca, context.ClientCertificate.RawData, context.HttpContext.RequestAborted);
        if (identity is null)
        {
            Refuse(context, refusal!);
            return;
        }

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
