namespace PkiPlatform.CaCore.Storage;

/// <summary>What an RA request asks the CA to do.</summary>
public enum RaRequestKind
{
    Issue = 0,
    Revoke = 1,

    /// <summary>End a certificateHold (the certificate is valid again).</summary>
    Release = 2,
}
