using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Kmc.Host;

/// <summary>
/// The KMC host's API (<see cref="KmcProtocol"/>): apply, confirm and abandon, for callers on the allow-list only. The
/// listener requires a client certificate at the handshake; here the CA's records decide who it is (this very
/// certificate issued here, valid, not revoked, bound to an account) and the account must be one of
/// <see cref="KmcHostOptions.Callers"/>. Anything else is a 403 problem naming the account; bad bodies are 400s.
/// </summary>
public static class KmcEndpoints
{
    public static WebApplication MapKeyManagementCentre(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(KmcProtocol.ApplyPath, (HttpContext context, KeyManagementCentre kmc, CertificateAuthority ca, KmcHostOptions options) =>
            CallAsync<EncryptionKeyApplication[], IReadOnlyList<EncryptionKeyGrant>>(context, ca, options, body => kmc.ApplyAsync(body, context.RequestAborted), body => body.Length));
        app.MapPost(KmcProtocol.ConfirmPath, (HttpContext context, KeyManagementCentre kmc, CertificateAuthority ca, KmcHostOptions options) =>
            CallAsync<EncryptionKeyConfirmation[], IReadOnlyList<EncryptionKeyEnvelope>>(context, ca, options, body => kmc.ConfirmAsync(body, context.RequestAborted), body => body.Length));
        app.MapPost(KmcProtocol.AbandonPath, (HttpContext context, KeyManagementCentre kmc, CertificateAuthority ca, KmcHostOptions options) =>
            CallAsync<KmcProtocol.AbandonRequest, string>(context, ca, options, async body =>
            {
                await kmc.AbandonAsync(body.KeyIds, body.Reason, context.RequestAborted);
                return "abandoned";
            }, body => body.KeyIds?.Count ?? -1));

        // Key recovery (GM/T 0034 §12.4–12.5): key-recovery officers, each with their own certificate at the handshake. Not
        // the callers' allow-list: the KMC itself requires the KeyRecoveryOfficer role of the certificate's account (read
        // from the account, never from a name), refuses the requester as an approver and an officer approving twice.
        app.MapPost(KmcRecoveryProtocol.RecoveriesPath, (HttpContext context, KeyManagementCentre kmc, CertificateAuthority ca) =>
            OfficerAsync<KmcRecoveryProtocol.RecoveryRequest>(context, ca, kmc, async (officer, body) =>
            {
                if (string.IsNullOrWhiteSpace(body.EncryptionSerial) || body.RecipientCertificate is not { Length: > 0 })
                {
                    return Problem(StatusCodes.Status400BadRequest, "send encryptionSerial (the encryption certificate's serial, hex), kind (Subscriber or Judicial), recipientCertificate (DER, base64) and reason");
                }

                var id = await kmc.RequestRecoveryAsync(body.Authority ?? ca.Options.IssuingAuthority, SerialNumbers.Normalize(body.EncryptionSerial), body.Kind, body.RecipientCertificate,
                    officer, body.Reason ?? "", context.RequestAborted);
                return Results.Json(new KmcRecoveryProtocol.RecoveryOpened(id), KmcProtocol.Json, statusCode: StatusCodes.Status201Created);
            }));
        app.MapGet(KmcRecoveryProtocol.RecoveriesPath + "/{id:long}", async (long id, HttpContext context, KeyManagementCentre kmc, CertificateAuthority ca) =>
        {
            var (credential, refused) = await AuthenticateAsync(context, ca);
            return credential is null ? refused! : Results.Json(await kmc.DescribeRecoveryAsync(id, credential, context.RequestAborted), KmcProtocol.Json);
        });
        app.MapPost(KmcRecoveryProtocol.RecoveriesPath + "/{id:long}/approve", (long id, HttpContext context, KeyManagementCentre kmc, CertificateAuthority ca) =>
            OfficerAsync<KmcRecoveryProtocol.RecoveryApproval>(context, ca, kmc, async (officer, body) =>
                string.IsNullOrEmpty(body.Digest)
                    ? Problem(StatusCodes.Status400BadRequest, $"send the digest of the recovery you approve (GET {KmcRecoveryProtocol.RecoveriesPath}/{id} shows it with what it releases, to whom, asked by whom and why)")
                    : Results.Json(await kmc.ApproveRecoveryAsync(id, officer, body.Reason ?? "", body.Digest, context.RequestAborted), KmcProtocol.Json)));
        return app;
    }

    private static async Task<IResult> CallAsync<TBody, TResult>(HttpContext context, CertificateAuthority ca, KmcHostOptions options, Func<TBody, Task<TResult>> call, Func<TBody, int> count)
        where TBody : class
    {
        var (credential, refused) = await AuthenticateAsync(context, ca);
        if (credential is null)
        {
            return refused!;
        }

        if (credential.Account is not { } account || !options.Allowed.Contains(account.Identity, StringComparer.Ordinal))
        {
            return Problem(StatusCodes.Status403Forbidden,
                $"{credential.Identity} may not call the key management centre; it serves {string.Join(", ", options.Allowed)} (Kmc:Callers)");
        }

        var (body, bad) = await ReadAsync<TBody>(context);
        if (body is null)
        {
            return bad!;
        }

        if (count(body) is < 1 or > KmcProtocol.MaxBatch)
        {
            return Problem(StatusCodes.Status400BadRequest, $"send 1..{KmcProtocol.MaxBatch} entries");
        }

        // A PkiException (a malformed subject or certificate, an unknown key) becomes the platform's problem for its code.
        return Results.Json(await call(body), KmcProtocol.Json);
    }

    private static async Task<IResult> OfficerAsync<TBody>(HttpContext context, CertificateAuthority ca, KeyManagementCentre kmc, Func<PkiPlatform.CaCore.Accounts.PlatformCredential, TBody, Task<IResult>> call)
        where TBody : class
    {
        var (credential, refused) = await AuthenticateAsync(context, ca);
        if (credential is null)
        {
            return refused!;
        }

        // The role before anything else: who is no key-recovery officer learns nothing about bodies or recoveries.
        await kmc.RequireRecoveryOfficerAsync(credential, context.RequestAborted);

        var (body, bad) = await ReadAsync<TBody>(context);
        return body is null ? bad! : await call(credential, body);
    }

    /// <summary>Who is calling: the CA's records decide by the very certificate presented at the handshake.</summary>
    private static async Task<(PkiPlatform.CaCore.Accounts.PlatformCredential? Credential, IResult? Refused)> AuthenticateAsync(HttpContext context, CertificateAuthority ca)
    {
        var certificate = context.Connection.ClientCertificate ?? await context.Connection.GetClientCertificateAsync(context.RequestAborted);
        if (certificate is null)
        {
            return (null, Problem(StatusCodes.Status401Unauthorized, "no client certificate: the KMC serves over mutual TLS only"));
        }

        // A login certificate, as the other hosts' certificate authentication requires: extended key usage clientAuth.
        if (!certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension>()
                .Any(e => e.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(u => u.Value == "1.3.6.1.5.5.7.3.2")))
        {
            return (null, Problem(StatusCodes.Status403Forbidden, "the client certificate is not for client authentication (no extended key usage clientAuth): use your login certificate"));
        }

        var (credential, refusal) = await ca.Accounts.AuthenticateAsync(certificate.RawData, context.RequestAborted);
        return credential is null ? (null, Problem(StatusCodes.Status403Forbidden, refusal!)) : (credential, null);
    }

    private static async Task<(TBody? Body, IResult? Bad)> ReadAsync<TBody>(HttpContext context)
        where TBody : class
    {
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "send application/json"));
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<TBody>(context.Request.Body, KmcProtocol.Json, context.RequestAborted);
            return body is null ? (null, Problem(StatusCodes.Status400BadRequest, $"send a {typeof(TBody).Name} in JSON")) : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, $"the body is not a {typeof(TBody).Name} in JSON: {ex.Message}"));
        }
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail, statusCode: status);
}

/// <summary>The KMC host's own settings ("KmcHost" section).</summary>
public sealed class KmcHostOptions
{
    /// <summary>Accounts whose client certificates may call the KMC: an allow-list; empty means the CA's account only.</summary>
    public List<string> Callers { get; set; } = [];

    /// <summary>The allow-list in force.</summary>
    public IReadOnlyList<string> Allowed => Callers.Count == 0 ? [KmcProtocol.CaAccount] : Callers;
}
