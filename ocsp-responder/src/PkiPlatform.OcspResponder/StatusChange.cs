namespace PkiPlatform.OcspResponder;

/// <summary>A certificate whose revocation status changed, as the poll sees it.</summary>
public sealed record StatusChange(int AuthorityId, string Serial, CertificateState State, DateTime ChangedAt);
