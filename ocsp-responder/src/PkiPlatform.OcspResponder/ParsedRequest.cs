using Org.BouncyCastle.Ocsp;

namespace PkiPlatform.OcspResponder;

/// <summary>A well-formed OCSP request: its CertIDs and, if any, the nonce extension value to echo.</summary>
public sealed record ParsedRequest(IReadOnlyList<CertificateID> CertificateIds, byte[]? NonceExtensionValue);
