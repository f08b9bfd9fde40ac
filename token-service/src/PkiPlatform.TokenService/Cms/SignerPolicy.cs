using System.Security.Cryptography;
using Org.BouncyCastle.X509;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// Whose signatures and whose timestamps a verifier accepts. Fail closed: by default no time-stamping
/// authority is trusted (an embedded timestamp then never moves the validation time back), and a document
/// signer needs digitalSignature or nonRepudiation and, if its certificate has an EKU, emailProtection.
/// </summary>
public sealed record SignerPolicy
{
    public const string EmailProtection = "1.3.6.1.5.5.7.3.4";

    public const string AnyExtendedKeyUsage = "2.5.29.37.0";

    public static readonly SignerPolicy Default = new();

    /// <summary>
    /// SHA-256 fingerprints (hex of the DER certificate, see <see cref="Fingerprint"/>) of the TSA certificates whose
    /// tokens may move the validation time back. A token from any other TSA, even one chaining to a trusted anchor with
    /// the timeStamping EKU, is ignored and the signature is judged at the current time. Empty: no timestamp is used.
    /// </summary>
    public IReadOnlySet<string> TrustedTsaCertificates { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How much later than the timestamp's genTime the signer's signing-time attribute may be. Default 5 minutes.</summary>
    public TimeSpan SigningTimeTolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Extended key usages (dotted OIDs) of which a document signer's certificate must carry one when it has an EKU
    /// extension at all (RFC 5280 §4.2.1.12). anyExtendedKeyUsage counts only if it is in this set. Default: emailProtection,
    /// the platform's document-signing EKU (profiles staff-signing and system-signing; what S/MIME and OpenSSL expect).
    /// </summary>
    public IReadOnlySet<string> DocumentSigningExtendedKeyUsages { get; init; } = new HashSet<string>(StringComparer.Ordinal) { EmailProtection };

    /// <summary>Uppercase hex SHA-256 of the certificate's DER encoding.</summary>
    public static string Fingerprint(X509Certificate certificate) => Convert.ToHexString(SHA256.HashData(certificate.GetEncoded()));

    /// <summary>This policy trusting exactly the given TSA certificates.</summary>
    public SignerPolicy TrustingTsa(IEnumerable<X509Certificate> certificates) =>
        this with { TrustedTsaCertificates = certificates.Select(Fingerprint).ToHashSet(StringComparer.OrdinalIgnoreCase) };

    public bool IsTrustedTsa(X509Certificate certificate) => TrustedTsaCertificates.Contains(Fingerprint(certificate));
}
