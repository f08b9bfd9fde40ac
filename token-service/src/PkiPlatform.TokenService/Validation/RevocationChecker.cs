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
/// freshness checked every time a cached CRL is used, not only when it is fetched). Answers are cached until their
/// nextUpdate or for <see cref="MaxCacheAge"/>, whichever comes first, so repeated verifications of the same signer
/// cost no network round trip; an OCSP answer without nextUpdate only for <see cref="MaxCacheAgeWithoutNextUpdate"/>.
/// Whatever a source answers (a malformed response, a bad delegated responder certificate, a CRL of another CA),
/// the source fails with a reason and the status is Unknown unless another source answers: never an exception.
/// </summary>
public sealed partial class RevocationChecker(HttpClient http, TimeProvider clock, ILogger<RevocationChecker>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>
    /// The longest an answer is reused, even if its nextUpdate is later (this platform's responses live an hour):
    /// a revocation reaches the verdicts within this time. Default 5 minutes.
    /// </summary>
    public TimeSpan MaxCacheAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// RFC 6960 §4.2.2.1: an OCSP response without nextUpdate says newer information is always available. Such a
    /// response is accepted only if its thisUpdate is at most this old (plus clock skew), and is reused only until
    /// thisUpdate plus this age (and never beyond <see cref="MaxCacheAge"/>). Default 1 minute.
    /// </summary>
    public TimeSpan MaxCacheAgeWithoutNextUpdate { get; init; } = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private const int MaxCached = 100_000;
    private const int MaxCachedCrls = 256;
    private const long MaxCachedCrlBytes = 64L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, (RevocationStatus Status, DateTime Until)> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (X509Crl Crl, DateTime Until, long Bytes)> _crls = new(StringComparer.Ordinal);

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
            catch (Exception ex) when (IsSourceFailure(ex, cancellationToken))
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
            catch (Exception ex) when (IsSourceFailure(ex, cancellationToken))
            {
                problems.Add($"CRL {url}: {ex.Message}");
                SourceFailed(_logger, "CRL", url, ex.Message);
            }
        }

        return new RevocationStatus(RevocationState.Unknown, "none",
            Detail: problems.Count == 0 ? "the certificate names no OCSP responder and no CRL distribution point" : string.Join("; ", problems));
    }

    /// <summary>What a revocation source can throw on a bad or unreachable answer; the caller's own cancellation is not one.</summary>
    private static bool IsSourceFailure(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        HttpRequestException or OcspException or IOException or ArgumentException or InvalidOperationException or InvalidCastException
            or FormatException or OverflowException or Org.BouncyCastle.Security.GeneralSecurityException or Org.BouncyCastle.Security.SecurityUtilityException => true,
        _ => false,
    };

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
        var responder = ResponderCertificate(basic, issuer, now);
        if (!basic.Verify(responder.GetPublicKey()))
        {
            throw new InvalidOperationException($"the response signature does not verify with the key of '{responder.SubjectDN}'");
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

        DateTime until;
        if (nextUpdate is { } expires)
        {
            until = expires;
        }
        else if (single.ThisUpdate + MaxCacheAgeWithoutNextUpdate + ClockSkew < now)
        {
            // RFC 6960 §4.2.2.1: without nextUpdate there is always newer information; an old answer may be a replay.
            throw new InvalidOperationException($"the response has no nextUpdate and its thisUpdate ({single.ThisUpdate:u}) is older than {MaxCacheAgeWithoutNextUpdate.TotalMinutes:0.#} minutes");
        }
        else
        {
            var fresh = single.ThisUpdate + MaxCacheAgeWithoutNextUpdate;
            until = fresh < now + MaxCacheAgeWithoutNextUpdate ? fresh : now + MaxCacheAgeWithoutNextUpdate;
        }

        var source = $"OCSP {url}";
        return single.GetCertStatus() switch
        {
            null => (new RevocationStatus(RevocationState.Good, source), until),
            RevokedStatus revoked => (new RevocationStatus(RevocationState.Revoked, source, revoked.RevocationTime,
                revoked.HasRevocationReason ? (RevocationReason)revoked.RevocationReason : null), until),
            _ => (new RevocationStatus(RevocationState.Unknown, source, Detail: "the responder does not know the certificate"), until),
        };
    }

    /// <summary>
    /// RFC 6960 §4.2.2.2: the responder the response names (ResponderID, by name or key hash) must be the issuing CA
    /// itself, or a certificate carried in the response, issued (signed) by that CA, with id-kp-OCSPSigning, valid now.
    /// </summary>
    /// <exception cref="InvalidOperationException">The responder is not authorised, with the reason.</exception>
    private static X509Certificate ResponderCertificate(BasicOcspResp basic, X509Certificate issuer, DateTime now)
    {
        var id = basic.ResponderId;
        if (Identifies(id, issuer))
        {
            return issuer;
        }

        X509Certificate[] carried;
        try
        {
            carried = basic.GetCerts();
        }
        catch (Exception ex) when (ex is OcspException or IOException or ArgumentException or InvalidCastException or InvalidOperationException or Org.BouncyCastle.Security.GeneralSecurityException)
        {
            throw new InvalidOperationException($"the delegated responder certificate in the response cannot be parsed: {ex.Message}", ex);
        }

        var delegated = carried.FirstOrDefault(c => Identifies(id, c))
            ?? throw new InvalidOperationException("the response is signed neither by the issuing CA nor by a delegated responder whose certificate it carries (RFC 6960 §4.2.2.2)");
        var name = $"the delegated responder certificate '{delegated.SubjectDN}'";
        try
        {
            delegated.Verify(issuer.GetPublicKey());
        }
        catch (Exception ex) when (ex is Org.BouncyCastle.Security.GeneralSecurityException or ArgumentException or InvalidOperationException or IOException)
        {
            throw new InvalidOperationException($"{name} is not issued by the CA '{issuer.SubjectDN}' (its signature does not verify with the CA's key)", ex);
        }

        IList<DerObjectIdentifier>? purposes;
        try
        {
            purposes = delegated.GetExtendedKeyUsage();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or IOException or InvalidOperationException or Org.BouncyCastle.Security.GeneralSecurityException)
        {
            throw new InvalidOperationException($"{name} has a malformed extendedKeyUsage: {ex.Message}", ex);
        }

        if (purposes?.Contains(KeyPurposeID.id_kp_OCSPSigning) != true)
        {
            throw new InvalidOperationException($"{name} lacks the id-kp-OCSPSigning extended key usage (RFC 6960 §4.2.2.2)");
        }

        if (now < delegated.NotBefore || now > delegated.NotAfter)
        {
            throw new InvalidOperationException($"{name} is not valid now (valid {delegated.NotBefore:u} to {delegated.NotAfter:u})");
        }

        return delegated;
    }

    private static bool Identifies(RespID id, X509Certificate certificate)
    {
        try
        {
            return id.Equals(new RespID(certificate.SubjectDN)) || id.Equals(new RespID(certificate.GetPublicKey()));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or IOException or InvalidOperationException or OcspException)
        {
            return false;
        }
    }

    /// <summary>
    /// The CRL at <paramref name="url"/>, from the cache or fetched, checked against <paramref name="issuer"/> on every use:
    /// a CRL cached because one CA's certificate named this URL proves nothing for a certificate of another CA (or of a CA
    /// with the same name and another key) that names it too.
    /// </summary>
    private async Task<(X509Crl Crl, DateTime Until)> FetchCrlAsync(string url, X509Certificate issuer, DateTime now, CancellationToken cancellationToken)
    {
        if (_crls.TryGetValue(url, out var cached) && cached.Until > now)
        {
            CheckCrl(cached.Crl, issuer, now);
            return (cached.Crl, cached.Until);
        }

        var bytes = await http.GetByteArrayAsync(new Uri(url), cancellationToken);
        var crl = new X509CrlParser().ReadCrl(bytes) ?? throw new InvalidOperationException("the answer is not a CRL");
        CheckCrl(crl, issuer, now);
        var until = crl.NextUpdate is { } nextCrl && nextCrl < now + MaxCacheAge ? nextCrl : now + MaxCacheAge;
        if (_crls.Count >= MaxCachedCrls || _crls.Values.Sum(c => c.Bytes) + bytes.Length > MaxCachedCrlBytes)
        {
            _crls.Clear();
        }

        if (bytes.Length <= MaxCachedCrlBytes)
        {
            _crls[url] = (crl, until, bytes.Length);
        }

        return (crl, until);
    }

    /// <summary>RFC 5280 §6.3.3 (f), (g) and freshness: issued by <paramref name="issuer"/>, signed with its key, current.</summary>
    private static void CheckCrl(X509Crl crl, X509Certificate issuer, DateTime now)
    {
        if (!crl.IssuerDN.Equivalent(issuer.SubjectDN))
        {
            throw new InvalidOperationException($"the CRL is issued by '{crl.IssuerDN}', not by '{issuer.SubjectDN}'");
        }

        try
        {
            crl.Verify(issuer.GetPublicKey());
        }
        catch (Exception ex) when (ex is Org.BouncyCastle.Security.GeneralSecurityException or ArgumentException or InvalidOperationException or IOException)
        {
            throw new InvalidOperationException($"the CRL's signature does not verify with the key of '{issuer.SubjectDN}'", ex);
        }

        if (crl.NextUpdate is { } next && next < now - ClockSkew)
        {
            throw new InvalidOperationException($"the CRL is stale (nextUpdate {next:u})");
        }
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
