using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// Whether a certificate may sign documents: RFC 5280 §4.2.1.3 keyUsage (if present) digitalSignature or
/// nonRepudiation, and §4.2.1.12 extendedKeyUsage (if present) one of <see cref="SignerPolicy.DocumentSigningExtendedKeyUsages"/>.
/// A TLS certificate (serverAuth/clientAuth only) is not a document signer.
/// </summary>
public static class DocumentSignerCheck
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["1.3.6.1.5.5.7.3.1"] = "serverAuth",
        ["1.3.6.1.5.5.7.3.2"] = "clientAuth",
        ["1.3.6.1.5.5.7.3.3"] = "codeSigning",
        ["1.3.6.1.5.5.7.3.4"] = "emailProtection",
        ["1.3.6.1.5.5.7.3.8"] = "timeStamping",
        ["1.3.6.1.5.5.7.3.9"] = "OCSPSigning",
        [SignerPolicy.AnyExtendedKeyUsage] = "anyExtendedKeyUsage",
    };

    /// <summary>The EKU's name, or its dotted OID.</summary>
    public static string Name(string oid) => Names.TryGetValue(oid, out var name) ? name : oid;

    /// <summary>The OID of an EKU given by name (as in <see cref="Name"/>) or as a dotted OID; null if neither.</summary>
    public static string? Oid(string nameOrOid)
    {
        var byName = Names.FirstOrDefault(kv => kv.Value == nameOrOid).Key;
        if (byName is not null)
        {
            return byName;
        }

        return DerObjectIdentifier.TryFromID(nameOrOid, out var oid) ? oid.Id : null;
    }

    /// <returns>Null if the certificate may sign documents under <paramref name="policy"/>, else why not.</returns>
    public static string? Check(X509Certificate certificate, SignerPolicy policy)
    {
        try
        {
            var usage = certificate.GetKeyUsage();
            if (usage is not null && !usage[0] && !usage[1])
            {
                return "the signer certificate's key usage allows neither digitalSignature nor nonRepudiation (RFC 5280 §4.2.1.3)";
            }

            var value = certificate.GetExtensionValue(X509Extensions.ExtendedKeyUsage);
            if (value is null)
            {
                return null;
            }

            var purposes = ExtendedKeyUsage.GetInstance(Asn1Object.FromByteArray(value.GetOctets())).GetAllUsages().Select(p => p.Id).ToList();
            if (purposes.Exists(policy.DocumentSigningExtendedKeyUsages.Contains))
            {
                return null;
            }

            var accepted = policy.DocumentSigningExtendedKeyUsages.Count == 0 ? "none (only certificates without an EKU extension)"
                : string.Join(", ", policy.DocumentSigningExtendedKeyUsages.Select(Name));
            return $"the signer certificate's extended key usage ({string.Join(", ", purposes.Select(Name))}) does not allow document signing; "
                + $"accepted: {accepted} (Signing:DocumentSigningExtendedKeyUsages)";
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or IOException or InvalidOperationException)
        {
            return $"the signer certificate's key usage or extended key usage extension is malformed: {ex.Message}";
        }
    }
}
