namespace PkiPlatform.OcspResponder;

public enum CertificateStateKind
{
    Good,
    Revoked,
    Unknown,
}
