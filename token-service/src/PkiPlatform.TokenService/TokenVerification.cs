using Org.BouncyCastle.X509;
using PkiPlatform.CaCore;
using PkiPlatform.KeyStore;
using PkiPlatform.TokenService.Cms;
using PkiPlatform.TokenService.Validation;

namespace PkiPlatform.TokenService;

/// <summary>
/// The verifier the service answers with: trust anchors are the platform's root CAs plus
/// <see cref="SigningServiceOptions.TrustAnchorFiles"/>; the platform's subordinate CAs are known intermediates.
/// </summary>
public sealed class TokenVerification(CertificateAuthority ca, SigningServiceOptions options, HttpClient http, TimeProvider clock,
    Microsoft.Extensions.Logging.ILogger<RevocationChecker>? logger = null)
{
    private SignatureVerifier? _verifier;

    public SignatureVerifier Verifier => _verifier ?? throw new InvalidOperationException("call InitializeAsync first");

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

        _verifier = new SignatureVerifier(new PathValidator(anchors, intermediates), new RevocationChecker(http, clock, logger), clock);
    }
}
