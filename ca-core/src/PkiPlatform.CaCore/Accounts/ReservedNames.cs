using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Accounts;

/// <summary>
/// Common names of the platform's own identities. Only platform accounts (and accounts an operator registered with
/// such a subject) receive certificates carrying them, so that no look-alike "RA Administrator", TSA or OCSP responder
/// can be issued to an applicant. Compared after <see cref="SubjectKey.NormalizeValue"/> (case, spacing, NFKC).
/// </summary>
public static class ReservedNames
{
    /// <summary>Reserved as the whole common name.</summary>
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal) { "ra admin", "tsa", "localhost", "root ca", "issuing ca", "ocsp" };

    /// <summary>Reserved anywhere in the common name ("HRSS Issuing CA OCSP Responder", "HRSS Time-Stamping Authority").</summary>
    private static readonly string[] Phrases =
    [
        "ra administrator", "ra officer", "ra auditor", "time stamping authority", "time-stamping authority", "timestamp authority",
        "timestamping authority", "ocsp responder", "ocsp signer",
    ];

    /// <summary>The reserved name the subject's CN carries, or null.</summary>
    public static string? Match(X509Name subject)
    {
        var oids = subject.GetOidList();
        var values = subject.GetValueList();
        for (var i = 0; i < oids.Count; i++)
        {
            if (!oids[i].Equals(X509Name.CN))
            {
                continue;
            }

            var normalized = SubjectKey.NormalizeValue(values[i]);
            if (Names.Contains(normalized) || Phrases.Any(p => normalized.Contains(p, StringComparison.Ordinal)))
            {
                return values[i];
            }
        }

        return null;
    }
}
