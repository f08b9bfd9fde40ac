namespace PkiPlatform.CaCore.Storage;

/// <summary>What an RA request asks the CA to do.</summary>
public enum RaRequestKind
{
    Issue = 0,
    Revoke = 1,

    /// <summary>End a certificateHold (the certificate is valid again).</summary>
    Release = 2,

    /// <summary>
    /// A certificate for one of the platform's own services (OCSP responder, TSA, a business system's service key),
    /// asked for by the zone that generated the key and holds it; created Approved (no officer decides it), issued
    /// by the CA worker only for a <c>platform:</c> or <c>system:</c> account under a profile of audience platform
    /// or system (<see cref="Issuance.IssuanceWorker"/>).
    /// </summary>
    Service = 3,
}
