using Org.BouncyCastle.Ocsp;

namespace PkiPlatform.OcspResponder;

/// <summary>A well-formed OCSP request: its CertIDs and, if any, the nonce extension value to echo.</summary>
public sealed record ParsedRequest(IReadOnlyList<CertificateID> CertificateIds, byte[]? NonceExtensionValue)
{
    /// <summary>Only CertIDs: no request or single-request extensions, no requestor name, no signature. Only such requests
    /// are remembered by their bytes, so extensions an attacker varies cannot grow the cache.</summary>
    public bool IsPlain { get; init; }
}
