using Microsoft.AspNetCore.Authentication.Certificate;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Accounts;

namespace PkiPlatform.RaPortal.Host;

/// <summary>
/// After the chain has been built to the platform's own root (never the OS store), checks the certificate against
/// the CA's records (this exact certificate issued here, not revoked, not on hold) and finds the account it is
/// explicitly bound to; the role comes from that account, never from the subject name.
/// </summary>
public sealed class PlatformCertificateValidator(CertificateAuthority ca)
{
    /// <summary>HttpContext item carrying the refusal reason to the challenge.</summary>
    public const string FailureKey = "pki.client-certificate.failure";

    public async Task ValidateAsync(CertificateValidatedContext context)
    {
        var (credential, refusal) = await ca.Accounts.AuthenticateAsync(context.ClientCertificate.RawData, context.HttpContext.RequestAborted);
        if (credential is null)
        {
            context.HttpContext.Items[FailureKey] = refusal;
            context.Fail(refusal!);
            return;
        }

        context.Principal = PlatformPrincipal.Create(credential, context.Scheme.Name);
        context.Success();
    }
}
