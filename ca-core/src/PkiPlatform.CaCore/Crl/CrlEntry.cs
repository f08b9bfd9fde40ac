namespace PkiPlatform.CaCore.Crl;

/// <summary>One revoked certificate as a CRL lists it. Reason null or 0 (unspecified) writes no reasonCode (RFC 5280 §5.3.1).</summary>
public readonly record struct CrlEntry(byte[] Serial, DateTime RevokedAt, int? Reason, DateTime? InvalidityDate);
