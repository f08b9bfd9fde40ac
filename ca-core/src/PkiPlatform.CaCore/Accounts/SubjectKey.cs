using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Accounts;

/// <summary>
/// A fixed-length key under which equal and equivalent subject names collide, so that the database can refuse a
/// second account with "the same" name. Wider than RFC 5280 §7.1's comparison on purpose: attribute order is ignored,
/// values are NFKC-normalised (fullwidth forms folded explicitly), case-folded and their white space collapsed and trimmed, and format characters
/// (zero-width joiners, direction marks) are dropped — a name that merely looks equal is treated as equal.
/// </summary>
public static class SubjectKey
{
    public static string Of(X509Name name)
    {
        var oids = name.GetOidList();
        var values = name.GetValueList();
        var parts = new List<string>(oids.Count);
        for (var i = 0; i < oids.Count; i++)
        {
            parts.Add(oids[i].Id + "=" + NormalizeValue(values[i]));
        }

        parts.Sort(StringComparer.Ordinal);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u0001', parts))));
    }

    public static string Of(string dn) => Of(new X509Name(dn));

    /// <summary>The normalised form of one attribute value, as <see cref="Of(X509Name)"/> compares it.</summary>
    public static string NormalizeValue(string value)
    {
        var text = value.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var raw in text)
        {
            // Fullwidth ASCII (what Chinese input methods type: ＡＤＭＩＮ) and the ideographic space fold to ASCII even
            // where NFKC data is unavailable (the platform runs with invariant globalization).
            var c = raw is >= '\uFF01' and <= '\uFF5E' ? (char)(raw - 0xFEE0) : raw == '\u3000' ? ' ' : raw;
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Format or UnicodeCategory.Control && !char.IsWhiteSpace(c))
            {
                continue;
            }

            if (char.IsWhiteSpace(c) || category == UnicodeCategory.SpaceSeparator)
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
