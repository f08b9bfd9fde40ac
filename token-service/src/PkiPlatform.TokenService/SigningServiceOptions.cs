namespace PkiPlatform.TokenService;

/// <summary>Signing, verification and encryption settings (configuration section "Signing").</summary>
public sealed class SigningServiceOptions : KeyStore.ISettingsSection
{
    /// <summary>Largest body (content to sign, SignedData, EnvelopedData) accepted; larger gets 413 cms.too_large.</summary>
    public int MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>PEM or DER files of further trust anchors for verification, besides the platform's own root CAs.</summary>
    public IList<string> TrustAnchorFiles { get; } = [];

    /// <summary>
    /// Stand-alone host: seconds a client certificate's authentication (chain and the CA's status record) is reused.
    /// 0, the default, checks every request, so a revoked system is refused at once; 10 gave 1.6x the API throughput.
    /// </summary>
    public int ClientCertificateCacheSeconds { get; set; }

    /// <summary>Time allowed for one OCSP or CRL fetch.</summary>
    public int RevocationFetchSeconds { get; set; } = 5;

    /// <summary>
    /// Whether tokens of the platform's own TSA certificates (every certificate in tsa_signers) may move a signature's
    /// validation time back. Default true. A token from any TSA not trusted here or in <see cref="TrustedTsaCertificateSha256"/>
    /// is ignored: the signature is judged at the current time.
    /// </summary>
    public bool TrustPlatformTsa { get; set; } = true;

    /// <summary>SHA-256 fingerprints (64 hex digits of the DER certificate) of further TSA certificates whose tokens are trusted.</summary>
    public IList<string> TrustedTsaCertificateSha256 { get; } = [];

    /// <summary>How much later than a trusted timestamp a signer's signing-time attribute may be; later is refused. Default 300.</summary>
    public int SigningTimeToleranceSeconds { get; set; } = 300;

    /// <summary>
    /// Extended key usages (names such as emailProtection, codeSigning, anyExtendedKeyUsage, or dotted OIDs) a document signer's
    /// certificate must carry one of, if it has an EKU extension. Empty, the default, means emailProtection (the platform's
    /// document-signing profiles). anyExtendedKeyUsage is accepted only when listed here.
    /// </summary>
    public IList<string> DocumentSigningExtendedKeyUsages { get; } = [];

    /// <summary>
    /// Ignores trust anchors' own constraints (RFC 5937: validity, cA, keyUsage, unknown critical extensions, name
    /// constraints), for legacy anchors in <see cref="TrustAnchorFiles"/>. Off by default; do not turn it on for new anchors.
    /// </summary>
    public bool UnsafeLaxTrustAnchors { get; set; }

    /// <summary>Accepts certificates that break RFC 5280's profile MUSTs (e.g. no authority key identifier). Off by default.</summary>
    public bool UnsafeLaxCertificateProfile { get; set; }

    public void Validate()
    {
        Require(MaxBodyBytes is >= 1024 and <= 1 << 30, "Signing:MaxBodyBytes must be 1024..1073741824");
        Require(ClientCertificateCacheSeconds is >= 0 and <= 300, "Signing:ClientCertificateCacheSeconds must be 0..300 (a revocation takes effect that late)");
        Require(RevocationFetchSeconds is >= 1 and <= 60, "Signing:RevocationFetchSeconds must be 1..60");
        Require(SigningTimeToleranceSeconds is >= 0 and <= 86400, "Signing:SigningTimeToleranceSeconds must be 0..86400");
        foreach (var fingerprint in TrustedTsaCertificateSha256)
        {
            Require(fingerprint.Length == 64 && fingerprint.All(char.IsAsciiHexDigit), $"Signing:TrustedTsaCertificateSha256 entry '{fingerprint}' is not 64 hex digits (SHA-256 of the DER certificate)");
        }

        foreach (var file in TrustAnchorFiles)
        {
            Require(File.Exists(file), $"Signing:TrustAnchorFiles entry '{file}' does not exist");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.InvalidArgument, message);
        }
    }
}
