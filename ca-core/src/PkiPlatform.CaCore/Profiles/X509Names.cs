using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Profiles;

/// <summary>The vocabulary profiles use: DN attribute short names, key usage and EKU names.</summary>
public static class X509Names
{
    public static readonly IReadOnlyDictionary<string, DerObjectIdentifier> SubjectAttributes =
        new Dictionary<string, DerObjectIdentifier>(StringComparer.OrdinalIgnoreCase)
        {
            ["CN"] = X509Name.CN,
            ["O"] = X509Name.O,
            ["OU"] = X509Name.OU,
            ["C"] = X509Name.C,
            ["ST"] = X509Name.ST,
            ["L"] = X509Name.L,
            ["E"] = X509Name.EmailAddress,
            ["SERIALNUMBER"] = X509Name.SerialNumber,
            ["UID"] = X509Name.UID,
            ["DC"] = X509Name.DC,
        };

    public static readonly IReadOnlyDictionary<string, int> KeyUsages = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["digitalSignature"] = KeyUsage.DigitalSignature,
        ["nonRepudiation"] = KeyUsage.NonRepudiation,
        ["contentCommitment"] = KeyUsage.NonRepudiation,
        ["keyEncipherment"] = KeyUsage.KeyEncipherment,
        ["dataEncipherment"] = KeyUsage.DataEncipherment,
        ["keyAgreement"] = KeyUsage.KeyAgreement,
        ["keyCertSign"] = KeyUsage.KeyCertSign,
        ["cRLSign"] = KeyUsage.CrlSign,
    };

    public static readonly IReadOnlyDictionary<string, string> ExtendedKeyUsages = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["serverAuth"] = "1.3.6.1.5.5.7.3.1",
        ["clientAuth"] = "1.3.6.1.5.5.7.3.2",
        ["codeSigning"] = "1.3.6.1.5.5.7.3.3",
        ["emailProtection"] = "1.3.6.1.5.5.7.3.4",
        ["timeStamping"] = "1.3.6.1.5.5.7.3.8",
        ["OCSPSigning"] = "1.3.6.1.5.5.7.3.9",
    };

    public static readonly IReadOnlyList<string> SanTypes = ["dns", "ip", "email", "uri"];

    /// <summary>The short name of a DN attribute OID, or the dotted OID when it has none.</summary>
    public static string ShortName(DerObjectIdentifier oid) =>
        SubjectAttributes.FirstOrDefault(kv => kv.Value.Equals(oid)).Key ?? oid.Id;
}
