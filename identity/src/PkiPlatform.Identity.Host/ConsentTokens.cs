using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;

namespace PkiPlatform.Identity.Host;

/// <summary>
/// The consent page's answer is accepted only with a token this process issued for the same authorization request and
/// the same login certificate, within five minutes (an HMAC under a per-process random key): another site cannot make a
/// staff member's browser consent, because it can neither read the page nor compute the token.
/// </summary>
public sealed class ConsentTokens(TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>What the answer is bound to: the request's parameters that decide what is released, and the certificate.</summary>
    public static string Binding(OpenIddictRequest request, long certificateId)
    {
        ArgumentNullException.ThrowIfNull(request);
        return string.Join('\n', request.ClientId, request.RedirectUri, request.Scope, request.ResponseType, request.State, request.Nonce,
            request.CodeChallenge, request.RequestUri, certificateId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public string Issue(string binding)
    {
        var expiry = BitConverter.GetBytes(clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds());
        return Base64UrlEncoder.Encode([.. expiry, .. Mac(binding, expiry)]);
    }

    public bool Verify(string token, string binding)
    {
        byte[] bytes;
        try
        {
            bytes = Base64UrlEncoder.DecodeBytes(token);
        }
        catch (FormatException)
        {
            return false;
        }

        if (bytes.Length != 8 + 32 || BitConverter.ToInt64(bytes, 0) < clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(bytes.AsSpan(8), Mac(binding, bytes[..8]));
    }

    private byte[] Mac(string binding, byte[] expiry) => HMACSHA256.HashData(_key, (byte[])[.. expiry, .. Encoding.UTF8.GetBytes(binding)]);
}
