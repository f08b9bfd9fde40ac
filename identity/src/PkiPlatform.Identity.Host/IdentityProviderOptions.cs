using PkiPlatform.KeyStore;

namespace PkiPlatform.Identity.Host;

/// <summary>Identity provider settings (configuration section "Identity").</summary>
public sealed class IdentityProviderOptions : ISettingsSection
{
    /// <summary>The issuer (https, ending in "/"); pki up sets it to its identity listener.</summary>
    public string Issuer { get; set; } = "https://127.0.0.1:8445/";

    public int AccessTokenSeconds { get; set; } = 600;

    public int IdentityTokenSeconds { get; set; } = 600;

    public int RefreshTokenSeconds { get; set; } = 8 * 3600;

    /// <summary>
    /// Where the token-encryption key is kept, wrapped by the key store (codes and refresh tokens survive a restart);
    /// empty: a new key per process (a restart invalidates them). pki up and the host set DATA/identity/token-encryption.key.
    /// </summary>
    public string EncryptionKeyFile { get; set; } = "";

    /// <summary>How often sessions are checked against the CA's records (a revocation ends them within this, plus delivery).</summary>
    public int SessionSweepSeconds { get; set; } = 2;

    /// <summary>How long a staff member's "allow, and remember" spares them the consent page of a third-party application.</summary>
    public int RememberConsentDays { get; set; } = 180;

    public void Validate()
    {
        if (!Uri.TryCreate(Issuer, UriKind.Absolute, out var issuer) || issuer.Scheme != "https" || !Issuer.EndsWith('/') || issuer.Query.Length > 0)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"Identity:Issuer '{Issuer}' must be an https URL ending in '/' without a query (OpenID Connect Discovery 1.0 §3)");
        }

        if (AccessTokenSeconds is < 60 or > 3600 || IdentityTokenSeconds is < 60 or > 3600 || RefreshTokenSeconds is < 300 or > 7 * 24 * 3600)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "Identity:AccessTokenSeconds and IdentityTokenSeconds must be 60..3600, RefreshTokenSeconds 300..604800");
        }

        if (SessionSweepSeconds is < 1 or > 8)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "Identity:SessionSweepSeconds must be 1..8 (sessions end within 10 s of a revocation)");
        }

        if (RememberConsentDays is < 0 or > 730)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "Identity:RememberConsentDays must be 0..730 (0: consent is asked at every sign-in)");
        }
    }
}
