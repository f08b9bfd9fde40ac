using System.Collections.Concurrent;
using System.Security.Cryptography;
using Org.BouncyCastle.Pkix;
using Org.BouncyCastle.Utilities.Collections;
using Org.BouncyCastle.X509;

namespace PkiPlatform.TokenService.Validation;

/// <summary>
/// RFC 5280 §6.1 path validation against configured trust anchors (never an operating-system store):
/// signatures, validity at the given time, basic constraints and path length, name constraints, key
/// usage of CAs, and the certificate policy tree with the four initial inputs of <see cref="ValidationPolicy"/>;
/// strictly by default, also the trust anchor's own constraints (RFC 5937: validity, cA, keyUsage, critical
/// extensions, pathLenConstraint, name constraints; <see cref="TrustAnchorCheck"/>) and RFC 5280's certificate-profile
/// MUSTs (<see cref="CertificateProfileCheck"/>), each relaxed only by an <c>Unsafe…</c> switch of the policy.
/// The algorithm is BouncyCastle's PKIX validator, which this class feeds with paths from
/// <see cref="PathBuilder"/>; NIST PKITS 249/249 (tests/…/PkitsConformanceTests).
/// Revocation: with CRLs given, RFC 5280 §6.3 CRL processing (delta CRLs, indirect CRLs, distribution
/// points) happens inside the validation; without, the caller checks status afterwards (OCSP first, see
/// <see cref="RevocationChecker"/>), and a successful path is cached for the time window in which it stays valid.
/// </summary>
public sealed class PathValidator
{
    private const int MaxCachedPaths = 10_000;

    private readonly IReadOnlyList<X509Certificate> _anchors;
    private readonly IReadOnlyList<X509Certificate> _intermediates;
    private readonly ValidationPolicy _policy;
    private readonly ConcurrentDictionary<string, CachedPath> _cache = new(StringComparer.Ordinal);

    public PathValidator(IReadOnlyList<X509Certificate> anchors, IReadOnlyList<X509Certificate>? intermediates = null, ValidationPolicy? policy = null)
    {
        if (anchors.Count == 0)
        {
            throw new ArgumentException("at least one trust anchor is required", nameof(anchors));
        }

        _anchors = anchors;
        _intermediates = intermediates ?? [];
        _policy = policy ?? ValidationPolicy.Default;
    }

    public IReadOnlyList<X509Certificate> Anchors => _anchors;

    /// <param name="leaf">The end-entity certificate.</param>
    /// <param name="carried">Certificates that came with the message (may include the leaf and unrelated ones).</param>
    /// <param name="at">The validation time.</param>
    /// <param name="crls">CRLs to check every certificate of the path against; null leaves revocation to the caller.</param>
    public PathResult Validate(X509Certificate leaf, IEnumerable<X509Certificate> carried, DateTime at, IReadOnlyList<X509Crl>? crls = null)
    {
        if (_anchors.Any(a => a.Equals(leaf)))
        {
            // A directly trusted certificate: its own validity and, strictly, its profile and critical extensions.
            var problem = ValidityOf(leaf, at)
                ?? (_policy.UnsafeLaxTrustAnchors ? null : TrustAnchorCheck.Check(leaf, at, issuesPath: false))
                ?? (_policy.UnsafeLaxCertificateProfile ? null : Profile(leaf, isAnchor: true));
            return problem is not null ? PathResult.Invalid(problem) : PathResult.Valid([], leaf);
        }

        var pool = carried.Concat(_intermediates).Where(c => !c.Equals(leaf)).Distinct().ToList();
        string? failure = null;
        var tried = 0;
        foreach (var (path, anchor) in PathBuilder.Candidates(leaf, pool, _anchors))
        {
            tried++;
            var key = crls is null ? CacheKey(path, anchor) : null;
            if (key is not null && _cache.TryGetValue(key, out var cached) && at >= cached.From && at <= cached.To)
            {
                return cached.Result;
            }

            if (Strictly(path, anchor, at) is { } strict)
            {
                failure ??= strict;
                continue;
            }

            try
            {
                new PkixCertPathValidator().Validate(new PkixCertPath(path), Parameters(anchor, at, pool, crls));
            }
            catch (PkixCertPathValidatorException ex)
            {
                failure ??= Explain(ex, path);
                continue;
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException or Org.BouncyCastle.Security.GeneralSecurityException)
            {
                // A malformed certificate (e.g. a signature BIT STRING with padding bits) fails this path, not the service.
                failure ??= $"a certificate in the path is malformed: {ex.Message}";
                continue;
            }

            var result = PathResult.Valid(path, anchor);
            if (key is not null)
            {
                if (_cache.Count >= MaxCachedPaths)
                {
                    _cache.Clear();
                }

                var all = path.Append(anchor).ToList();
                _cache[key] = new CachedPath(result, all.Max(c => c.NotBefore), all.Min(c => c.NotAfter));
            }

            return result;
        }

        return PathResult.Invalid(failure ?? (tried == 0
            ? $"no path from '{leaf.SubjectDN}' (issued by '{leaf.IssuerDN}') to a configured trust anchor; the issuing CA certificate is missing or the anchor is not trusted"
            : "no valid path to a trust anchor"));
    }

    private PkixParameters Parameters(X509Certificate anchor, DateTime at, List<X509Certificate> pool, IReadOnlyList<X509Crl>? crls)
    {
        var parameters = new PkixParameters(new HashSet<TrustAnchor> { new(anchor, null) })
        {
            Date = at,
            IsRevocationEnabled = crls is not null,
            IsUseDeltasEnabled = crls is not null,
            IsExplicitPolicyRequired = _policy.ExplicitPolicy,
            IsPolicyMappingInhibited = _policy.InhibitPolicyMapping,
            IsAnyPolicyInhibited = _policy.InhibitAnyPolicy,
        };
        parameters.SetInitialPolicies(new HashSet<string>(_policy.InitialPolicies));
        if (crls is not null)
        {
            parameters.AddStoreCrl(CollectionUtilities.CreateStore(crls));
            // CRL issuers (indirect CRLs, separate CRL-signing keys) are looked up among these.
            parameters.AddStoreCert(CollectionUtilities.CreateStore(pool.Append(anchor).ToList()));
        }

        return parameters;
    }

    /// <summary>RFC 5937 trust-anchor constraints and RFC 5280 profile MUSTs, unless the policy relaxes them.</summary>
    private string? Strictly(List<X509Certificate> path, X509Certificate anchor, DateTime at)
    {
        if (!_policy.UnsafeLaxTrustAnchors && (TrustAnchorCheck.Check(anchor, at, issuesPath: true) ?? TrustAnchorCheck.CheckPath(anchor, path)) is { } anchorProblem)
        {
            return anchorProblem;
        }

        if (_policy.UnsafeLaxCertificateProfile)
        {
            return null;
        }

        return path.Select(c => Profile(c, isAnchor: false)).FirstOrDefault(p => p is not null) ?? Profile(anchor, isAnchor: true);
    }

    private static string? Profile(X509Certificate certificate, bool isAnchor) =>
        CertificateProfileCheck.Check(certificate, isAnchor) is { } rule
            ? $"certificate '{certificate.SubjectDN}' (serial {certificate.SerialNumber.ToString(16)}): {rule}"
            : null;

    private static string? ValidityOf(X509Certificate certificate, DateTime at) =>
        at > certificate.NotAfter ? $"'{certificate.SubjectDN}' expired on {certificate.NotAfter:yyyy-MM-dd HH:mm} UTC"
        : at < certificate.NotBefore ? $"'{certificate.SubjectDN}' is not valid before {certificate.NotBefore:yyyy-MM-dd HH:mm} UTC"
        : null;

    private static string Explain(PkixCertPathValidatorException ex, List<X509Certificate> path)
    {
        var message = ex.Message.TrimEnd('.');
        if (ex.Index >= 0 && ex.Index < path.Count)
        {
            var certificate = path[ex.Index];
            return $"certificate '{certificate.SubjectDN}' (serial {certificate.SerialNumber.ToString(16)}): {message}";
        }

        return message;
    }

    private static string CacheKey(List<X509Certificate> path, X509Certificate anchor)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var certificate in path.Append(anchor))
        {
            // The signature value identifies a certificate and costs no re-encoding.
            hash.AppendData(certificate.GetSignature());
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private sealed record CachedPath(PathResult Result, DateTime From, DateTime To);
}
