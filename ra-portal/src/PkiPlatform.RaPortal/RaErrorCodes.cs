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
}
