namespace PkiPlatform.RaPortal;

/// <summary>Stable error codes of the RA (see PkiException).</summary>
public static class RaErrorCodes
{
    public const string Forbidden = "ra.forbidden";
    public const string UnknownRequest = "ra.unknown_request";
    public const string NotPending = "ra.not_pending";
    public const string OwnRequest = "ra.own_request";
    public const string AlreadyDecided = "ra.already_decided";
    public const string InvalidApplication = "ra.invalid_application";
    public const string PlatformCertificate = "ra.platform_certificate";

    /// <summary>These codes with their HTTP status, for the hosts' error-code registry.</summary>
    public static readonly IReadOnlyList<KeyStore.PkiErrorCode> Catalog =
    [
        new(Forbidden, 403),
        new(UnknownRequest, 404),
        new(NotPending, 409),
        new(OwnRequest, 409),
        new(AlreadyDecided, 409),
        new(InvalidApplication, 400),
        new(PlatformCertificate, 403),
    ];
}
