namespace PkiPlatform.TokenService;

/// <summary>What a service key is for; one key, one purpose (RFC 5280 §4.2.1.3 separation of signing and encryption keys).</summary>
public enum ServiceKeyUsage
{
    Sign,
    Decrypt,
}
