using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Org.BouncyCastle.X509;
using PkiPlatform.KeyStore;
using PkiPlatform.TokenService.Cms;

namespace PkiPlatform.TokenService.Host;

/// <summary>
/// The signing service REST API under /api/v1/token, for business systems authenticated by client
/// certificate (the caller is the business-system account its certificate is explicitly bound to; keys are resolved against that account).
/// Binary in and out for sign, encrypt and decrypt; JSON reports for verify. Errors are RFC 9457 problems.
/// </summary>
public static class TokenApiEndpoints
{
    public const string SignedDataType = "application/pkcs7-mime";
    public const string DetachedSignatureType = "application/pkcs7-signature";

    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder endpoints)
    {
        var limit = endpoints.ServiceProvider.GetRequiredService<SigningServiceOptions>().MaxBodyBytes;
        // Room for base64 in JSON bodies; the exact limit (with an RFC 9457 answer) is enforced per operation.
        var api = endpoints.MapGroup("/api/v1").RequireAuthorization()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(2L * limit + 64 * 1024));
        // Issue 10: the paths say what they do ("token" will mean the identity provider's OAuth tokens). The old
        // /api/v1/token/… paths answer the same for one release, marked deprecated (RFC 9745) with their successor.
        var deprecated = endpoints.MapGroup("/api/v1/token").RequireAuthorization()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(2L * limit + 64 * 1024));
        foreach (var (method, path, old, handler) in Routes(limit))
        {
            api.MapMethods(path, [method], handler);
            var successor = "/api/v1" + path;
            deprecated.MapMethods(old, [method], handler).AddEndpointFilter(async (context, next) =>
            {
                context.HttpContext.Response.Headers["Deprecation"] = "@1796083200"; // 2026-12-01
                context.HttpContext.Response.Headers.Link = $"<{successor}>; rel=\"successor-version\"";
                return await next(context);
            });
        }

        return endpoints;
    }

    private static IEnumerable<(string Method, string Path, string OldPath, Delegate Handler)> Routes(long limit)
    {
        yield return ("GET", "/service-keys", "/keys", async (ClaimsPrincipal user, ServiceKeys keys, CancellationToken ct) =>
            Results.Ok((await keys.ListAsync(Caller(user), ct)).Select(k => new ServiceKeyView(k.KeyLabel, k.Usage, k.Serial, k.NotAfter,
                new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", k.CertificateDer)) + "\n"))));

        yield return ("POST", "/signatures", "/sign", async (HttpContext context, string? key, bool? detached, bool? timestamp, string? format, CmsSignatureCreator signer, SigningServiceOptions options) =>
        {
            var content = await ReadBodyAsync(context, options);
            var der = await signer.SignAsync(Caller(context.User), Required(key, "key"), content, detached ?? false, timestamp ?? false, format, context.RequestAborted);
            return Results.Bytes(der, detached == true ? DetachedSignatureType : SignedDataType);
        });

        yield return ("POST", "/verifications", "/verify", async (VerifyBody body, TokenVerification verification, SigningServiceOptions options, CancellationToken ct) =>
        {
            if ((body.SignedData?.Length ?? 0) + (body.Content?.Length ?? 0) > limit / 3 * 4 + 8)
            {
                throw new PkiException(TokenErrorCodes.CmsTooLarge, $"signedData and content together exceed {options.MaxBodyBytes} bytes");
            }

            var report = await verification.Verifier.VerifyAsync(Base64(body.SignedData, "signedData"), body.Content is null ? null : Base64(body.Content, "content"), cancellationToken: ct);
            return Results.Ok(report with { Content = body.ReturnContent ? report.Content : null });
        });

        yield return ("POST", "/verifications/raw", "/verify-raw", async (VerifyRawBody body, TokenVerification verification, CancellationToken ct) =>
        {
            var chain = (body.Chain ?? []).Select(c => CmsInput.ParseCertificate(Certificate(c, "chain[]"))).ToList();
            return Results.Ok(await verification.Verifier.VerifyRawAsync(Base64(body.Data, "data"), Base64(body.Signature, "signature"),
                Certificate(body.Certificate, "certificate"), Required(body.Algorithm, "algorithm"), chain, ct));
        });

        yield return ("POST", "/envelopes", "/encrypt", (EncryptBody body) =>
        {
            var recipients = (body.Recipients ?? []).Select(r => CmsInput.ParseCertificate(Certificate(r, "recipients[]"))).ToList();
            return Results.Bytes(CmsEnvelopeWriter.Encrypt(Base64(body.Content, "content"), recipients, body.Format), SignedDataType);
        });

        yield return ("POST", "/envelopes/decryptions", "/decrypt", async (HttpContext context, string? key, CmsEnvelopeOpener opener, SigningServiceOptions options) =>
            Results.Bytes(await opener.DecryptAsync(Caller(context.User), key, await ReadBodyAsync(context, options), context.RequestAborted), "application/octet-stream"));
    }

    /// <summary>The business-system account the caller's certificate is bound to (trust-model items 2 and 3): never a subject name.</summary>
    private static string Caller(ClaimsPrincipal user) =>
        CaCore.Accounts.PlatformPrincipal.From(user)?.Account is { Kind: CaCore.Storage.AccountKind.System } account ? account.Identity
        : throw new PkiException(TokenErrorCodes.ServiceKeyForbidden, "the client certificate is bound to no registered business system; only a system's own certificate reaches its keys");

    private static async Task<byte[]> ReadBodyAsync(HttpContext context, SigningServiceOptions options)
    {
        if (context.Request.ContentLength > options.MaxBodyBytes)
        {
            throw new PkiException(TokenErrorCodes.CmsTooLarge, $"the body is {context.Request.ContentLength} bytes; at most {options.MaxBodyBytes} are accepted");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > options.MaxBodyBytes)
            {
                throw new PkiException(TokenErrorCodes.CmsTooLarge, $"the body exceeds {options.MaxBodyBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new PkiException(PkiErrorCodes.InvalidArgument, $"'{name}' is required") : value;

    private static byte[] Base64(string? value, string name)
    {
        try
        {
            return Convert.FromBase64String(Required(value, name));
        }
        catch (FormatException ex)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"'{name}' must be base64", ex);
        }
    }

    /// <summary>A certificate given as PEM text (the certificate parsers read PEM as well) or base64 DER.</summary>
    private static byte[] Certificate(string? value, string name)
    {
        var text = Required(value, name);
        return text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal) ? System.Text.Encoding.ASCII.GetBytes(text) : Base64(text, name);
    }

    public sealed record ServiceKeyView(string Label, string Usage, string Serial, DateTime NotAfter, string Certificate);

    public sealed record VerifyBody(string? SignedData, string? Content, bool ReturnContent = false);

    /// <param name="Chain">Intermediate CA certificates (PEM or base64 DER) for signers outside this platform.</param>
    public sealed record VerifyRawBody(string? Data, string? Signature, string? Certificate, string? Algorithm, IReadOnlyList<string>? Chain = null);

    public sealed record EncryptBody(string? Content, IReadOnlyList<string>? Recipients, string? Format = null);
}
