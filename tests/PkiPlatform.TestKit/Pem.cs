namespace PkiPlatform.TestKit;

/// <summary>PEM text for test files.</summary>
public static class Pem
{
    public static string Certificate(byte[] der) => new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", der)) + "\n";

    public static string Crl(byte[] der) => new string(System.Security.Cryptography.PemEncoding.Write("X509 CRL", der)) + "\n";
}
