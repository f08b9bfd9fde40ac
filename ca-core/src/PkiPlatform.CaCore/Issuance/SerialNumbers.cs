using System.Security.Cryptography;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// Serial numbers: 16 octets from the CSPRNG with the top bits fixed to 01, so every serial is
/// positive, exactly 16 octets in DER (no leading zero) and carries 126 random bits (RFC 5280
/// §4.1.2.2 allows at most 20 octets; the platform requires at least 64 random bits).
/// </summary>
public static class SerialNumbers
{
    public static byte[] Generate()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x3F) | 0x40);
        return serial;
    }

    /// <summary>Upper-case hex, as <c>openssl x509 -serial</c> prints it.</summary>
    public static string ToHex(ReadOnlySpan<byte> serial)
    {
        var start = 0;
        while (start < serial.Length - 1 && serial[start] == 0)
        {
            start++;
        }

        return Convert.ToHexString(serial[start..]);
    }

    /// <summary>Accepts "4A:3F…", "0x4a3f…", "serial=4A3F…"; returns the canonical form.</summary>
    public static string Normalize(string input)
    {
        var text = input.Trim();
        if (text.StartsWith("serial=", StringComparison.OrdinalIgnoreCase))
        {
            text = text[7..];
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        text = text.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (text.Length == 0 || text.Length > 42 || !text.All(char.IsAsciiHexDigit))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"'{input}' is not a serial number; give it in hex as 'openssl x509 -serial' prints it");
        }

        text = text.TrimStart('0');
        if (text.Length == 0)
        {
            return "0";
        }

        return text.Length % 2 == 1 ? "0" + text : text;
    }

    public static byte[] FromHex(string hex) =>
        hex.Length % 2 == 1 ? Convert.FromHexString("0" + hex) : Convert.FromHexString(hex);

}
