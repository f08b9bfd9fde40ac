namespace PkiPlatform.CaCore.Storage;

/// <summary>Life cycle of an RA request: Pending -> (Approved -> Processing -> Done | Failed) | Rejected.</summary>
public enum RaRequestStatus
{
    Pending = 0,
    Approved = 1,
    Processing = 2,
    Done = 3,
    Rejected = 4,
    Failed = 5,
}
