namespace PkiPlatform.TokenService;

/// <summary>Stable error codes of the signing service: CMS input and service keys (see KeyStore.PkiException).</summary>
public static class TokenErrorCodes
{
    public const string CmsMalformed = "cms.malformed";
    public const string CmsWrongContentType = "cms.wrong_content_type";
    public const string CmsContentMissing = "cms.content_missing";
    public const string CmsUnsupportedAlgorithm = "cms.unsupported_algorithm";
    public const string CmsTooLarge = "cms.too_large";
    public const string CmsNotRecipient = "cms.not_recipient";
    public const string ServiceKeyForbidden = "token.key_forbidden";
    public const string ServiceKeyNotFound = "token.key_not_found";

    /// <summary>These codes with their HTTP status, for the hosts' error-code registry.</summary>
    public static readonly IReadOnlyList<KeyStore.PkiErrorCode> Catalog =
    [
        new(CmsMalformed, 400),
        new(CmsWrongContentType, 400),
        new(CmsContentMissing, 400),
        new(CmsUnsupportedAlgorithm, 400),
        new(CmsTooLarge, 413),
        new(CmsNotRecipient, 422),
        new(ServiceKeyForbidden, 403),
        new(ServiceKeyNotFound, 404),
    ];
}
