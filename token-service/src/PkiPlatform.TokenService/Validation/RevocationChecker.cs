using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore.Revocation;

namespace PkiPlatform.TokenService.Validation;

/// <summary>
/// Certificate status for a verifier: OCSP at the certificate's AIA URL first (RFC 6960; the response
/// must be signed by the issuer or by a responder it delegated to with id-kp-OCSPSigning, and be
/// current), then the CRL at its distribution point (RFC 5280 §4.2.1.13; signature, issuer and
/// freshness checked). Answers are cached until their nextUpdate or for <see cref="MaxCacheAge"/>,
/// whichever comes first, so repeated verifications of the same signer cost no network round trip.
/// </summary>
public sealed partial class RevocationChecker(HttpClient http, TimeProvider clock, ILogger<RevocationChecker>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>
    /// The longest an answer is reused, even if its nextUpdate is later (this platform's responses live an hour):
    /// a revocation reaches the verdicts within this time. Default 5 minutes.
    /// </summary>
    public TimeSpan MaxCacheAge { get; init; } = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private const int MaxCached = 100_000;

    private readonly ConcurrentDictionary<string, (RevocationStatus Status, DateTime Until)> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (X509Crl Crl, DateTime Until)> _crls = new(StringComparer.Ordinal);

    /// <summary>The status of <paramref name="certificate"/> now; the caller compares a revocation time with the time that matters to it.</summary>
    public async Task<RevocationStatus> CheckAsync(X509Certificate certificate, X509Certificate issuer, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var issuerSignature = issuer.GetSignature();
        var key = $"{Convert.ToHexString(issuerSignature, 0, Math.Min(32, issuerSignature.Length))}:{certificate.SerialNumber.ToString(16)}";
        if (_statuses.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return cached.Status;
        }

        var problems = new List<string>();
        foreach (var url in AccessLocations(certificate, X509ObjectIdentifiers.OcspAccessMethod))
        {
            try
            {
                var (status, until) = await AskOcspAsync(url, certificate, issuer, now, cancellationToken);
                return Remember(key, status, until);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or OcspException or IOException or ArgumentException or InvalidOperationException)
            {
                problems.Add($"OCSP {url}: {ex.Message}");
                SourceFailed(_logger, "OCSP", url, ex.Message);
            }
        }

        foreach (var url in DistributionPoints(certificate))
        {
            try
            {
                var crl = await FetchCrlAsync(url, issuer, now, cancellationToken);
                var entry = crl.Crl.GetRevokedCertificate(certificate.SerialNumber);
                var status = entry is null
                    ? new RevocationStatus(RevocationState.Good, $"CRL {url}")
                    : new RevocationStatus(RevocationState.Revoked, $"CRL {url}", entry.RevocationDate, ReasonOf(entry));
                return Remember(key, status, crl.Until);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or ArgumentException or InvalidOperationException or Org.BouncyCastle.Security.SecurityUtilityException or Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.Certificates.CrlException)
            {
                problems.Add($"CRL {url}: {ex.Message}");
                SourceFailed(_logger, "CRL", url, ex.Message);
            }
        }

        return new RevocationStatus(RevocationState.Unknown, "none",
            Detail: problems.Count == 0 ? "the certificate names no OCSP responder and no CRL distribution point" : string.Join("; ", problems));
    }

    private RevocationStatus Remember(string key, RevocationStatus status, DateTime until)
    {
        if (_statuses.Count >= MaxCached)
        {
            _statuses.Clear();
        }

        var latest = clock.GetUtcNow().UtcDateTime + MaxCacheAge;
        _statuses[key] = (status, until < latest ? until : latest);
        return status;
    }

    private async Task<(RevocationStatus, DateTime)> AskOcspAsync(string url, X509Certificate certificate, X509Certificate issuer, DateTime now, CancellationToken cancellationToken)
    {
        var id = new CertificateID(CertificateID.DigestSha1, issuer, certificate.SerialNumber);
        var generator = new OcspReqGenerator();
        generator.AddRequest(id);
        using var content = new ByteArrayContent(generator.Generate().GetEncoded());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        using var response = await http.PostAsync(new Uri(url), content, cancellationToken);
        response.EnsureSuccessStatusCode();
        var ocsp = new OcspResp(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        if (ocsp.Status != OcspRespStatus.Successful)
        {
            throw new InvalidOperationException($"the responder answered status {ocsp.Status}");
        }

        var basic = ocsp.GetResponseObject() as BasicOcspResp ?? throw new InvalidOperationException("not a basic OCSP response");
        if (!basic.Verify(ResponderKey(basic, issuer).GetPublicKey()))
        {
            throw new InvalidOperationException("the response signature does not verify");
        }

        var single = basic.Responses.FirstOrDefault(r => r.GetCertID().Equals(id))
            ?? throw new InvalidOperationException("the response does not cover the certificate asked about");
        if (single.ThisUpdate > now + ClockSkew)
        {
            throw new InvalidOperationException($"the response is dated in the future ({single.ThisUpdate:u})");
        }

        var nextUpdate = single.NextUpdate;
        if (nextUpdate is { } next && next < now - ClockSkew)
        {
            throw new InvalidOperationException($"the response is stale (nextUpdate {next:u})");
        }

        var until = nextUpdate ?? now + MaxCacheAge;
        var source = $"OCSP {url}";
        return single.GetCertStatus() switch
        {
            null => (new RevocationStatus(RevocationState.Good, source), until),
            RevokedStatus revoked => (new RevocationStatus(RevocationState.Revoked, source, revoked.RevocationTime,
                revoked.HasRevocationReason ? (RevocationReason)revoked.RevocationReason : null), until),
            _ => (new RevocationStatus(RevocationState.Unknown, source, Detail: "the responder does not know the certificate"), until),
        };
    }

    /// <summary>RFC 6960 §4.2.2.2: the issuer itself, or a certificate it issued with id-kp-OCSPSigning.</summary>
    private static X509Certificate ResponderKey(BasicOcspResp basic, X509Certificate issuer)
    {
        foreach (var delegated in basic.GetCerts())
        {
            if (delegated.IssuerDN.Equivalent(issuer.SubjectDN)
                && delegated.GetExtendedKeyUsage()?.Contains(KeyPurposeID.id_kp_OCSPSigning) == true)
            {
                delegated.Verify(issuer.GetPublicKey());
                delegated.CheckValidity();
                return delegated;
            }
        }

        return issuer;
    }

    private async Task<(X509Crl Crl, DateTime Until)> FetchCrlAsync(string url, X509Certificate issuer, DateTime now, CancellationToken cancellationToken)
    {
        if (_crls.TryGetValue(url, out var cached) && cached.Until > now)
        {
            return cached;
        }

        var crl = new X509CrlParser().ReadCrl(await http.GetByteArrayAsync(new Uri(url), cancellationToken))
            ?? throw new InvalidOperationException("the answer is not a CRL");
        if (!crl.IssuerDN.Equivalent(issuer.SubjectDN))
        {
            throw new InvalidOperationException($"the CRL is issued by '{crl.IssuerDN}', not by '{issuer.SubjectDN}'");
        }

        crl.Verify(issuer.GetPublicKey());
        if (crl.NextUpdate is { } next && next < now - ClockSkew)
        {
            throw new InvalidOperationException($"the CRL is stale (nextUpdate {next:u})");
        }

        var entry = (crl, crl.NextUpdate is { } nextCrl && nextCrl < now + MaxCacheAge ? nextCrl : now + MaxCacheAge);
        _crls[url] = entry;
        return entry;
    }

    private static RevocationReason? ReasonOf(X509CrlEntry entry)
    {
        var value = entry.GetExtensionValue(X509Extensions.ReasonCode);
        return value is null ? null : (RevocationReason)DerEnumerated.GetInstance(Asn1Object.FromByteArray(value.GetOctets())).IntValueExact;
    }

    private static IEnumerable<string> AccessLocations(X509Certificate certificate, DerObjectIdentifier method)
    {
        var value = certificate.GetExtensionValue(X509Extensions.AuthorityInfoAccess);
        if (value is null)
        {
            return [];
        }

        return AuthorityInformationAccess.GetInstance(Asn1Object.FromByteArray(value.GetOctets())).GetAccessDescriptions()
            .Where(d => d.AccessMethod.Equals(method) && d.AccessLocation.TagNo == GeneralName.UniformResourceIdentifier)
            .Select(d => DerIA5String.GetInstance(d.AccessLocation.Name).GetString())
            .Where(IsHttp);
    }

    private static IEnumerable<string> DistributionPoints(X509Certificate certificate)
    {
        var value = certificate.GetExtensionValue(X509Extensions.CrlDistributionPoints);
        if (value is null)
        {
            return [];
        }

        return CrlDistPoint.GetInstance(Asn1Object.FromByteArray(value.GetOctets())).GetDistributionPoints()
            .Where(p => p.DistributionPointName?.Type == DistributionPointName.FullName)
            .SelectMany(p => GeneralNames.GetInstance(p.DistributionPointName.Name).GetNames())
            .Where(n => n.TagNo == GeneralName.UniformResourceIdentifier)
            .Select(n => DerIA5String.GetInstance(n.Name).GetString())
            .Where(IsHttp);
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Revocation source {Kind} {Url} failed: {Reason}")]
    private static partial void SourceFailed(ILogger logger, string kind, string url, string reason);

    private static bool IsHttp(string url) => url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
