namespace PkiPlatform.CaCore.Storage;

/// <summary>Life cycle of an issued certificate's record.</summary>
public enum CertificateStatus
{
    /// <summary>Recorded before signing (two-phase issuance); no certificate exists yet or the signature failed.</summary>
    Intent = 0,
    Issued = 1,
    Revoked = 2,
    /// <summary>Revoked with reason certificateHold; can be released.</summary>
    OnHold = 3,
}
