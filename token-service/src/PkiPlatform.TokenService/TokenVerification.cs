using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore;
using PkiPlatform.KeyStore;
using PkiPlatform.TokenService.Cms;
using PkiPlatform.TokenService.Validation;

namespace PkiPlatform.TokenService;

/// <summary>
/// The verifier the service answers with: trust anchors are the platform's root CAs plus
/// <see cref="SigningServiceOptions.TrustAnchorFiles"/>; the platform's subordinate CAs are known intermediates;
/// timestamps count only from the platform's own TSA certificates (<see cref="SigningServiceOptions.TrustPlatformTsa"/>)
/// and those in <see cref="SigningServiceOptions.TrustedTsaCertificateSha256"/>.
/// </summary>
public sealed class TokenVerification(CertificateAuthority ca, SigningServiceOptions options, HttpClient http, TimeProvider clock,
    Microsoft.Extensions.Logging.ILogger<RevocationChecker>? logger = null)
{
    private SignatureVerifier? _verifier;

    public SignatureVerifier Verifier => _verifier ?? throw new InvalidOperationException("call InitializeAsync first");

    /// <summary>The signer and timestamp policy in force (after <see cref="InitializeAsync"/>).</summary>
    public SignerPolicy SignerPolicy { get; private set; } = SignerPolicy.Default;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var parser = new X509CertificateParser();
        var authorities = await ca.Authorities.AllAsync(cancellationToken);
        var anchors = authorities.Where(a => a.Entity.ParentId is null).Select(a => parser.ReadCertificate(a.Entity.CertificateDer)).ToList();
        var intermediates = authorities.Where(a => a.Entity.ParentId is not null).Select(a => parser.ReadCertificate(a.Entity.CertificateDer)).ToList();
        foreach (var file in options.TrustAnchorFiles)
        {
            try
            {
                anchors.AddRange(parser.ReadCertificates(await File.ReadAllBytesAsync(file, cancellationToken)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Org.BouncyCastle.Security.Certificates.CertificateException)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"Signing:TrustAnchorFiles: '{file}' cannot be read as PEM/DER certificates: {ex.Message}", ex);
            }
        }

        List<X509Certificate> platformTsa = [];
        if (options.TrustPlatformTsa)
        {
            // Every TSA certificate the platform has had, so that old tokens of a rolled-over TSA key keep counting.
            await using var db = ca.Database.CreateContext();
            var records = await db.TsaSigners.AsNoTracking().Select(t => t.CertificateDer).ToListAsync(cancellationToken);
            platformTsa = records.Select(der => parser.ReadCertificate(der)).ToList();
        }

        SignerPolicy = PolicyFrom(options, platformTsa);
        var paths = new ValidationPolicy { UnsafeLaxTrustAnchors = options.UnsafeLaxTrustAnchors, UnsafeLaxCertificateProfile = options.UnsafeLaxCertificateProfile };
        _verifier = new SignatureVerifier(new PathValidator(anchors, intermediates, paths), new RevocationChecker(http, clock, logger), clock, signers: SignerPolicy);
    }

    /// <summary>The signer policy <paramref name="options"/> configure, trusting <paramref name="platformTsa"/> as TSA certificates.</summary>
    /// <exception cref="PkiException">A setting is invalid; the message names the key.</exception>
    public static SignerPolicy PolicyFrom(SigningServiceOptions options, IEnumerable<X509Certificate> platformTsa)
    {
        var trusted = platformTsa.Select(SignerPolicy.Fingerprint).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var fingerprint in options.TrustedTsaCertificateSha256)
        {
            var hex = fingerprint.Replace(":", "", StringComparison.Ordinal).Trim();
            if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"Signing:TrustedTsaCertificateSha256: '{fingerprint}' is not a SHA-256 fingerprint (64 hex digits)");
            }

            trusted.Add(hex.ToUpperInvariant());
        }

        if (options.SigningTimeToleranceSeconds is < 0 or > 86_400)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument,
                $"Signing:SigningTimeToleranceSeconds: {options.SigningTimeToleranceSeconds.ToString(CultureInfo.InvariantCulture)} is outside 0..86400");
        }

        var ekus = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in options.DocumentSigningExtendedKeyUsages)
        {
            ekus.Add(DocumentSignerCheck.Oid(name.Trim())
                ?? throw new PkiException(PkiErrorCodes.InvalidArgument, $"Signing:DocumentSigningExtendedKeyUsages: '{name}' is neither an EKU name (emailProtection, codeSigning, anyExtendedKeyUsage, …) nor a dotted OID"));
        }

        return SignerPolicy.Default with
        {
            TrustedTsaCertificates = trusted,
            SigningTimeTolerance = TimeSpan.FromSeconds(options.SigningTimeToleranceSeconds),
            DocumentSigningExtendedKeyUsages = ekus.Count == 0 ? SignerPolicy.Default.DocumentSigningExtendedKeyUsages : ekus,
        };
    }
}
