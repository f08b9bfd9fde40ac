using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Issuance;

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
        return app;
    }

    private static async Task<IResult> CallAsync<TBody, TResult>(HttpContext context, CertificateAuthority ca, KmcHostOptions options, Func<TBody, Task<TResult>> call, Func<TBody, int> count)
        where TBody : class
    {
        var certificate = context.Connection.ClientCertificate ?? await context.Connection.GetClientCertificateAsync(context.RequestAborted);
        if (certificate is null)
        {
            return Problem(StatusCodes.Status401Unauthorized, "no client certificate: the KMC serves the CA over mutual TLS only");
        }

        var (credential, refusal) = await ca.Accounts.AuthenticateAsync(certificate.RawData, context.RequestAborted);
        if (credential is null)
        {
            return Problem(StatusCodes.Status403Forbidden, refusal!);
        }

        if (credential.Account is not { } account || !options.Allowed.Contains(account.Identity, StringComparer.Ordinal))
        {
            return Problem(StatusCodes.Status403Forbidden,
                $"{credential.Identity} may not call the key management centre; it serves {string.Join(", ", options.Allowed)} (Kmc:Callers)");
        }

        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "send application/json");
        }

        TBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<TBody>(context.Request.Body, KmcProtocol.Json, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, $"the body is not a {typeof(TBody).Name} in JSON: {ex.Message}");
        }

        if (body is null || count(body) is < 1 or > KmcProtocol.MaxBatch)
        {
            return Problem(StatusCodes.Status400BadRequest, $"send 1..{KmcProtocol.MaxBatch} entries");
        }

        // A PkiException (a malformed subject or certificate, an unknown key) becomes the platform's problem for its code.
        return Results.Json(await call(body), KmcProtocol.Json);
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
