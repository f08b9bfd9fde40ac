namespace PkiPlatform.OcspResponder;

/// <summary>The OCSPResponseStatus values (RFC 6960 §4.2.1) and their encodings for error responses.</summary>
public enum OcspStatus
{
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    Unauthorized = 6,
}
