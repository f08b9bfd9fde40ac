namespace PkiPlatform.CaCore.Storage;

/// <summary>RA roles; mutually exclusive (ARCHITECTURE.md).</summary>
public enum RaRole
{
    Officer = 0,
    RaAdmin = 1,
    Auditor = 2,
}
