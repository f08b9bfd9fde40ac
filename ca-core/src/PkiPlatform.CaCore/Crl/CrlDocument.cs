namespace PkiPlatform.CaCore.Crl;

/// <summary>What a CRL says besides its entries.</summary>
/// <param name="Number">CRLNumber (RFC 5280 §5.2.3).</param>
/// <param name="BaseNumber">For a delta CRL, the BaseCRLNumber of its deltaCRLIndicator (§5.2.4); null for a full CRL.</param>
/// <param name="FreshestCrlUrl">For a full CRL, where its delta CRLs are published (§5.2.6).</param>
public sealed record CrlDocument(long Number, long? BaseNumber, DateTime ThisUpdate, DateTime NextUpdate, string? FreshestCrlUrl);
