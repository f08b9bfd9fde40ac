namespace PkiPlatform.KeyStore;

/// <summary>
/// The one error type of the platform's core libraries: a stable machine-readable <see cref="Code"/>
/// and a detail that tells the user what to fix. Hosts map codes to RFC 9457 problem details; the
/// CLI prints the detail on one line.
/// </summary>
public sealed class PkiException : Exception
{
    public PkiException(string code, string detail)
        : base(detail)
    {
        Code = code;
    }

    public PkiException(string code, string detail, Exception innerException)
        : base(detail, innerException)
    {
        Code = code;
    }

    public PkiException()
        : this(PkiErrorCodes.Internal, "internal error")
    {
    }

    public PkiException(string message)
        : this(PkiErrorCodes.Internal, message)
    {
    }

    public PkiException(string message, Exception innerException)
        : this(PkiErrorCodes.Internal, message, innerException)
    {
    }

    /// <summary>Stable code, e.g. <c>keystore.wrong_passphrase</c>; never changes meaning once published.</summary>
    public string Code { get; }
}
