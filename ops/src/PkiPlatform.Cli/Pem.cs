namespace PkiPlatform.Cli;

/// <summary>RFC 7468 PEM text.</summary>
internal static class Pem
{
    public static string Encode(string label, ReadOnlySpan<byte> der) =>
        new string(System.Security.Cryptography.PemEncoding.Write(label, der)) + "\n";
}
