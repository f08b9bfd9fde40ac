using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// GM/T 0015's Chinese identity extensions (issue 13), personal data: the identity card number (1.2.156.10260.4.1.1)
/// and the social-insurance number (1.2.156.10260.4.1.2). They reach a certificate only from the applicant's CSR
/// (extensionRequest), only where the profile lists them (<c>"personalIdentifiers": ["identity-card",
/// "social-insurance"]</c>), only well-formed; each goes in as a non-critical extension whose value is a DER
/// PrintableString (what the HR/SS network's business systems read). The audit trail never records them.
/// </summary>
public static class PersonalIdentifiers
{
    public const string IdentityCard = "identity-card";

    public const string SocialInsurance = "social-insurance";

    public static readonly IReadOnlyDictionary<string, DerObjectIdentifier> Oids = new Dictionary<string, DerObjectIdentifier>(StringComparer.Ordinal)
    {
        [IdentityCard] = new("1.2.156.10260.4.1.1"),
        [SocialInsurance] = new("1.2.156.10260.4.1.2"),
    };

    /// <summary>The identifiers a CSR asks for: name → value, or a reason when one cannot be read.</summary>
    public static (IReadOnlyDictionary<string, string> Values, string? Unreadable) Read(X509Extensions? requested)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (requested is null)
        {
            return (values, null);
        }

        foreach (var (name, oid) in Oids)
        {
            if (requested.GetExtension(oid) is not { } extension)
            {
                continue;
            }

            try
            {
                values[name] = Asn1Object.FromByteArray(extension.Value.GetOctets()) switch
                {
                    DerPrintableString printable => printable.GetString(),
                    DerUtf8String utf8 => utf8.GetString(),
                    _ => throw new ArgumentException("not a PrintableString"),
                };
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException)
            {
                return (values, $"the {name} extension ({oid.Id}) must hold a PrintableString, e.g. openssl req -addext \"{oid.Id}=ASN1:PRINTABLESTRING:…\"");
            }
        }

        return (values, null);
    }

    /// <summary>Null when <paramref name="value"/> is a well-formed <paramref name="name"/>, else what is wrong.</summary>
    public static string? Problem(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (name == IdentityCard)
        {
            // GB 11643-1999: 17 digits and a check character (ISO 7064 MOD 11-2; 10 is written X).
            if (value.Length != 18 || !value[..17].All(char.IsAsciiDigit) || !(char.IsAsciiDigit(value[17]) || value[17] == 'X'))
            {
                return "an identity card number is 17 digits and a check digit or X (GB 11643)";
            }

            var sum = 0;
            for (var i = 0; i < 17; i++)
            {
                sum += (value[i] - '0') * ((1 << (17 - i)) % 11);
            }

            var check = (12 - (sum % 11)) % 11;
            return (check == 10 ? 'X' : (char)('0' + check)) == value[17] ? null : "the identity card number's check digit does not match (GB 11643): a digit is mistyped";
        }

        // The social-security number is the citizen's identity number, or 1..18 letters and digits for others.
        return value.Length is >= 1 and <= 18 && value.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c))
            ? null : "a social-insurance number is 1..18 digits and capital letters";
    }

    public static void Add(X509ExtensionsGenerator extensions, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        foreach (var (name, value) in values.OrderBy(v => Oids[v.Key].Id, StringComparer.Ordinal))
        {
            extensions.AddExtension(Oids[name], false, new DerPrintableString(value, true));
        }
    }
}
