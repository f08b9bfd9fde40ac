namespace PkiPlatform.CaCore.Storage;

/// <summary>Who an account stands for. Decides which profiles may be issued to it (see <see cref="Profiles.ProfileAudience"/>).</summary>
public enum AccountKind
{
    /// <summary>A member of staff (officers, admins and auditors are staff with a role).</summary>
    Person = 0,

    /// <summary>A business system registered by an RA admin.</summary>
    System = 1,

    /// <summary>One of the platform's own services (RA TLS, TSA, OCSP responders); never reachable through the RA.</summary>
    Platform = 2,
}
