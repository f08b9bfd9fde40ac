using Org.BouncyCastle.X509;

namespace PkiPlatform.TokenService.Validation;

/// <summary>
/// The outcome of path validation. Starts invalid (fail closed): only <see cref="PathValidator"/> makes a valid one.
/// </summary>
public sealed class PathResult
{
    private PathResult(bool valid, IReadOnlyList<X509Certificate> path, X509Certificate? anchor, string? failure)
    {
        IsValid = valid;
        Path = path;
        Anchor = anchor;
        Failure = failure;
    }

    public bool IsValid { get; }

    /// <summary>The certificates from the end entity up to (not including) the trust anchor.</summary>
    public IReadOnlyList<X509Certificate> Path { get; }

    public X509Certificate? Anchor { get; }

    /// <summary>Why the path is not valid, in words a person can act on.</summary>
    public string? Failure { get; }

    internal static PathResult Valid(IReadOnlyList<X509Certificate> path, X509Certificate anchor) => new(true, path, anchor, null);

    internal static PathResult Invalid(string failure, IReadOnlyList<X509Certificate>? path = null) => new(false, path ?? [], null, failure);
}
