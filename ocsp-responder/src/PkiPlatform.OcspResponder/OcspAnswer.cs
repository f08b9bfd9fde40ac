namespace PkiPlatform.OcspResponder;

/// <summary>What goes back on the wire: the DER, and for a cacheable response its snapshot (for HTTP cache headers).</summary>
public readonly record struct OcspAnswer(byte[] Der, ResponseSnapshot? Cacheable);
