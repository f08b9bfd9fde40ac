namespace PkiPlatform.OcspResponder;

/// <summary>What the database says about one serial, as OCSP will say it.</summary>
/// <param name="Kind">Good, Revoked or Unknown.</param>
/// <param name="RevokedAt">Revocation time for Revoked.</param>
/// <param name="Reason">RFC 5280 reason code for Revoked (null: unspecified, omitted).</param>
public sealed record CertificateState(CertificateStateKind Kind, DateTime? RevokedAt = null, int? Reason = null)
{
    public static readonly CertificateState Good = new(CertificateStateKind.Good);
    public static readonly CertificateState Unknown = new(CertificateStateKind.Unknown);
}
