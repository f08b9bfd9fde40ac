namespace PkiPlatform.CaCore.Storage;

/// <summary>RA roles; mutually exclusive (ARCHITECTURE.md).</summary>
public enum RaRole
{
    Officer = 0,
    RaAdmin = 1,
    Auditor = 2,

    /// <summary>Approves releases of archived encryption keys at the key management centre (issue 13; 三员分立: held by no RA officer, admin or auditor).</summary>
    KeyRecoveryOfficer = 3,
}
