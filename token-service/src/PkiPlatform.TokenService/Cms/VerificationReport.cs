namespace PkiPlatform.TokenService.Cms;

/// <summary>What a verification found: valid only if there is at least one signer and every signer is valid.</summary>
public sealed record VerificationReport(bool Valid, string ContentType, bool Detached, IReadOnlyList<SignerVerdict> Signers)
{
    /// <summary>The signed content of an attached SignedData (null when detached).</summary>
    public byte[]? Content { get; init; }
}

/// <summary>One signer's verdict: "valid", "invalid" or "indeterminate" (e.g. revocation status unavailable), and why.</summary>
public sealed record SignerVerdict
{
    public const string ValidVerdict = "valid";
    public const string InvalidVerdict = "invalid";
    public const string IndeterminateVerdict = "indeterminate";

    public int Index { get; init; }

    public string Verdict { get; init; } = InvalidVerdict;

    public string? Subject { get; init; }

    public string? Issuer { get; init; }

    public string? Serial { get; init; }

    public string DigestAlgorithm { get; init; } = "";

    /// <summary>The signing-time attribute as the signer claims it (not proof; see <see cref="Timestamp"/>).</summary>
    public DateTime? SigningTime { get; init; }

    public TimestampVerdict? Timestamp { get; init; }

    /// <summary>The status source, e.g. "OCSP http://…" or "CRL http://…".</summary>
    public string? RevocationSource { get; init; }

    /// <summary>Findings in words a person can act on; for a valid signer, what was checked.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];
}

/// <summary>An RFC 3161 token embedded as signature-time-stamp (id-aa-signatureTimeStampToken).</summary>
public sealed record TimestampVerdict(bool Valid, DateTime? Time, string? Authority, string? Reason);
