using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;

namespace PkiPlatform.TokenService.Validation;

/// <summary>
/// Candidate paths from an end-entity certificate to a trust anchor through a pool of certificates
/// (those a message carries plus the configured intermediates). Chains by name and, where both sides
/// carry them, by authority/subject key identifier (RFC 5280 §4.2.1.1); tries every candidate, so a
/// pool holding re-keyed CAs or CRL-signing certificates under the same name still finds the right one.
/// </summary>
internal static class PathBuilder
{
    private const int MaxDepth = 10;
    private const int MaxPaths = 32;

    /// <returns>Paths leaf first, each paired with the anchor whose subject issued the last certificate.</returns>
    public static IEnumerable<(List<X509Certificate> Path, X509Certificate Anchor)> Candidates(
        X509Certificate leaf, IReadOnlyCollection<X509Certificate> pool, IReadOnlyCollection<X509Certificate> anchors)
    {
        var found = 0;
        foreach (var candidate in Extend([leaf], pool, anchors))
        {
            yield return candidate;
            if (++found == MaxPaths)
            {
                yield break;
            }
        }
    }

    private static IEnumerable<(List<X509Certificate>, X509Certificate)> Extend(
        List<X509Certificate> path, IReadOnlyCollection<X509Certificate> pool, IReadOnlyCollection<X509Certificate> anchors)
    {
        var last = path[^1];
        foreach (var anchor in anchors)
        {
            if (Issued(anchor, last))
            {
                yield return (path, anchor);
            }
        }

        if (path.Count >= MaxDepth)
        {
            yield break;
        }

        foreach (var issuer in pool)
        {
            if (!Issued(issuer, last) || path.Exists(c => c.Equals(issuer)) || anchors.Any(a => a.Equals(issuer)))
            {
                continue;
            }

            foreach (var longer in Extend([.. path, issuer], pool, anchors))
            {
                yield return longer;
            }
        }
    }

    private static bool Issued(X509Certificate issuer, X509Certificate subject)
    {
        if (!issuer.SubjectDN.Equivalent(subject.IssuerDN))
        {
            return false;
        }

        var authorityKeyId = subject.GetExtensionValue(X509Extensions.AuthorityKeyIdentifier);
        var subjectKeyId = issuer.GetExtensionValue(X509Extensions.SubjectKeyIdentifier);
        if (authorityKeyId is null || subjectKeyId is null)
        {
            return true;
        }

        var wanted = AuthorityKeyIdentifier.GetInstance(Asn1Object.FromByteArray(authorityKeyId.GetOctets())).KeyIdentifier?.GetOctets();
        return wanted is null || wanted.SequenceEqual(Asn1OctetString.GetInstance(Asn1Object.FromByteArray(subjectKeyId.GetOctets())).GetOctets());
    }
}
