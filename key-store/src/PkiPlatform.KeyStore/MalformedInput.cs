namespace PkiPlatform.KeyStore;

/// <summary>
/// The exceptions that BouncyCastle's and .NET's decoders throw on malformed input (ASN.1, CMS, certificates,
/// keys and curves .NET does not support, text encodings, integers out of range). Parsers of what callers send catch exactly these at their
/// boundary and turn them into the protocol's own refusal (a <see cref="PkiException"/> with a 4xx code, a
/// TimeStampResp or OCSPResponse with an error status); anything else is a fault of the platform (HTTP 500).
/// </summary>
public static class MalformedInput
{
    public static bool Is(Exception exception) => exception is IOException or ArgumentException or InvalidCastException or FormatException
        or ArithmeticException or NotSupportedException or InvalidOperationException or IndexOutOfRangeException or System.Security.Cryptography.CryptographicException
        or Org.BouncyCastle.Security.GeneralSecurityException or Org.BouncyCastle.Security.SecurityUtilityException
        or Org.BouncyCastle.Cms.CmsException or Org.BouncyCastle.Tsp.TspException or Org.BouncyCastle.Ocsp.OcspException
        or Org.BouncyCastle.Crypto.CryptoException;

    /// <summary>Runs <paramref name="parse"/>; a decoder failure becomes a <see cref="PkiException"/> with <paramref name="code"/> and "<paramref name="what"/>: reason".</summary>
    public static T Parse<T>(Func<T> parse, string code, string what)
    {
        try
        {
            return parse();
        }
        catch (Exception ex) when (ex is not PkiException && Is(ex))
        {
            throw new PkiException(code, $"{what}: {ex.Message}", ex);
        }
    }
}
