using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Pkix;
using Org.BouncyCastle.X509;
using PkiPlatform.KeyStore;

namespace PkiPlatform.TokenService.Validation;

/// <summary>
/// RFC 5937 trust-anchor constraints: a certificate configured as anchor is not just a key and a name. Its validity
/// period, its basicConstraints (cA=TRUE, and pathLenConstraint over the path), its keyUsage (keyCertSign), its
/// critical extensions (none unknown) and its name constraints (over every certificate of the path, DNS, IP, email,
/// URI and directory names alike) bind the paths it anchors. BouncyCastle's validator, like RFC 5280 §6.1 itself,
/// starts below the anchor and sees none of this. Off only with <see cref="ValidationPolicy.UnsafeLaxTrustAnchors"/>.
/// </summary>
internal static class TrustAnchorCheck
{
    /// <summary>The extensions RFC 5280 §6.1 processes: an anchor marking any other one critical is refused.</summary>
    private static readonly HashSet<string> Understood =
    [
        X509Extensions.BasicConstraints.Id, X509Extensions.KeyUsage.Id, X509Extensions.CertificatePolicies.Id, X509Extensions.PolicyMappings.Id,
        X509Extensions.PolicyConstraints.Id, X509Extensions.NameConstraints.Id, X509Extensions.InhibitAnyPolicy.Id,
        X509Extensions.SubjectAlternativeName.Id, X509Extensions.ExtendedKeyUsage.Id,
    ];

    /// <param name="anchor">The trust anchor.</param>
    /// <param name="at">The validation time.</param>
    /// <param name="issuesPath">False when the anchor is itself the certificate being validated (a directly trusted end entity).</param>
    /// <returns>Null if the anchor may anchor a path at <paramref name="at"/>, else why not.</returns>
    public static string? Check(X509Certificate anchor, DateTime at, bool issuesPath)
    {
        var name = $"trust anchor '{anchor.SubjectDN}'";
        if (at > anchor.NotAfter)
        {
            return $"{name} expired on {anchor.NotAfter:yyyy-MM-dd HH:mm} UTC (RFC 5937 §2: its validity bounds the paths it anchors)";
        }

        if (at < anchor.NotBefore)
        {
            return $"{name} is not valid before {anchor.NotBefore:yyyy-MM-dd HH:mm} UTC";
        }

        var unknown = anchor.GetCriticalExtensionOids()?.Where(oid => !Understood.Contains(oid)).ToList() ?? [];
        if (unknown.Count > 0)
        {
            return $"{name} has an unknown critical extension ({string.Join(", ", unknown)})";
        }

        if (!issuesPath)
        {
            return null;
        }

        if (anchor.GetBasicConstraints() < 0)
        {
            return $"{name} is not a CA certificate: basicConstraints with cA=TRUE is missing (RFC 5280 §4.2.1.9)";
        }

        var usage = anchor.GetKeyUsage();
        return usage is not null && !usage[5] ? $"{name} has keyUsage without keyCertSign (RFC 5280 §4.2.1.3)" : null;
    }

    /// <summary>The anchor's pathLenConstraint and name constraints over <paramref name="path"/> (leaf first, anchor excluded).</summary>
    /// <returns>Null if the path keeps within them, else why not.</returns>
    public static string? CheckPath(X509Certificate anchor, IReadOnlyList<X509Certificate> path)
    {
        try
        {
            return PathWithin(anchor, path);
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            return $"the name constraints or basic constraints of trust anchor '{anchor.SubjectDN}' cannot be applied: {ex.Message}";
        }
    }

    private static string? PathWithin(X509Certificate anchor, IReadOnlyList<X509Certificate> path)
    {
        var name = $"trust anchor '{anchor.SubjectDN}'";
        var basic = anchor.GetExtensionValue(X509Extensions.BasicConstraints) is { } bc ? BasicConstraints.GetInstance(Asn1Object.FromByteArray(bc.GetOctets())) : null;
        // RFC 5280 §6.1.4 (l): self-issued CA certificates do not count towards the path length.
        if (basic?.PathLenConstraint is { } limit && limit.CompareTo(Org.BouncyCastle.Math.BigInteger.ValueOf(path.Skip(1).Count(c => !SelfIssued(c)))) < 0)
        {
            return $"{name} allows at most {limit} intermediate CA certificate(s) (pathLenConstraint)";
        }

        var value = anchor.GetExtensionValue(X509Extensions.NameConstraints);
        if (value is null)
        {
            return null;
        }

        // NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees [1] GeneralSubtrees OPTIONAL }
        var validator = new PkixNameConstraintValidator();
        foreach (var element in Asn1Sequence.GetInstance(Asn1Object.FromByteArray(value.GetOctets())))
        {
            var tagged = Asn1TaggedObject.GetInstance(element);
            var subtrees = Asn1Sequence.GetInstance(tagged, false);
            if (tagged.TagNo == 0)
            {
                validator.IntersectPermittedSubtree(subtrees);
            }
            else
            {
                foreach (var excluded in subtrees)
                {
                    validator.AddExcludedSubtree(GeneralSubtree.GetInstance(excluded));
                }
            }
        }

        for (var i = 0; i < path.Count; i++)
        {
            var certificate = path[i];
            // RFC 5280 §6.1.3 (b), (c): names of self-issued intermediates are not constrained.
            if (i > 0 && SelfIssued(certificate))
            {
                continue;
            }

            try
            {
                var subject = Asn1Sequence.GetInstance(certificate.SubjectDN.ToAsn1Object());
                validator.CheckPermittedDN(subject);
                validator.CheckExcludedDN(subject);
                var names = certificate.SubjectDN.GetValueList(X509Name.EmailAddress).Select(e => new GeneralName(GeneralName.Rfc822Name, e)).ToList();
                if (certificate.GetExtensionValue(X509Extensions.SubjectAlternativeName) is { } san)
                {
                    names.AddRange(GeneralNames.GetInstance(Asn1Object.FromByteArray(san.GetOctets())).GetNames());
                }

                foreach (var generalName in names)
                {
                    validator.CheckPermittedName(generalName);
                    validator.CheckExcludedName(generalName);
                }
            }
            catch (PkixNameConstraintValidatorException ex)
            {
                return $"certificate '{certificate.SubjectDN}' is outside the name constraints of {name}: {ex.Message.TrimEnd('.')}";
            }
        }

        return null;
    }

    private static bool SelfIssued(X509Certificate certificate) => certificate.SubjectDN.Equivalent(certificate.IssuerDN);
}
