namespace PkiPlatform.CaCore.Audit;

/// <summary>Stable audit action names.</summary>
public static class AuditActions
{
    public const string KeyGenerated = "key.generated";
    public const string DatabaseRoleGranted = "database.role_granted";
    public const string KeyDestroyed = "key.destroyed";
    public const string AuthorityCreated = "authority.created";
    public const string CertificateIssued = "certificate.issued";
    public const string RaBypassed = "certificate.ra_bypassed";
    public const string IntentAbandoned = "certificate.intent_abandoned";
    public const string CertificateRevoked = "certificate.revoked";
    public const string CertificateHeld = "certificate.held";
    public const string CertificateReleased = "certificate.released";
    public const string CrlGenerated = "crl.generated";
    public const string ResponderProvisioned = "ocsp.responder_provisioned";
    public const string ServiceKeyCreated = "service_key.created";
    public const string ServiceKeyDisabled = "service_key.disabled";
    public const string AccountRegistered = "account.registered";
    public const string AccountChanged = "account.changed";
    public const string CertificateBound = "account.certificate_bound";
    public const string CmsSigned = "cms.signed";
    public const string CmsDecrypted = "cms.decrypted";
}
