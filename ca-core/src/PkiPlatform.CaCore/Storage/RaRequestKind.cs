namespace PkiPlatform.CaCore.Storage;

/// <summary>What an RA request asks the CA to do.</summary>
public enum RaRequestKind
{
    Issue = 0,
    Revoke = 1,
}
