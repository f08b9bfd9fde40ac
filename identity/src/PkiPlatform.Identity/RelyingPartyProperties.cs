namespace PkiPlatform.Identity;

/// <summary>What the platform records about a relying party beyond OpenIddict's fields (application properties).</summary>
public static class RelyingPartyProperties
{
    /// <summary>How the client authenticates at the token, introspection, revocation and PAR endpoints.</summary>
    public const string AuthenticationMethod = "pki_auth_method";

    /// <summary>For <c>tls_client_auth</c>: the business-system account (<c>system:NAME</c>) whose bound certificates authenticate it.</summary>
    public const string Account = "pki_account";

    /// <summary>OpenID Connect Back-Channel Logout 1.0: where logout tokens are POSTed.</summary>
    public const string BackChannelLogoutUri = "pki_backchannel_logout_uri";

    /// <summary>"true" when the platform runs the relying party itself: no consent is asked.</summary>
    public const string FirstParty = "pki_first_party";

    /// <summary>The ID-token signing algorithm (ES256 by default, PS256 on request).</summary>
    public const string SigningAlgorithm = "pki_id_token_alg";

    public const string ClientSecretBasic = "client_secret_basic";
    public const string TlsClientAuth = "tls_client_auth";
    public const string PrivateKeyJwt = "private_key_jwt";

    public static readonly IReadOnlyList<string> AuthenticationMethods = [ClientSecretBasic, TlsClientAuth, PrivateKeyJwt];
}
