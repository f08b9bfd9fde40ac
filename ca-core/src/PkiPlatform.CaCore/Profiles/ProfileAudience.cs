namespace PkiPlatform.CaCore.Profiles;

/// <summary>Who may ask the RA for a certificate of a profile (trust-model item 4).</summary>
public enum ProfileAudience
{
    /// <summary>Never through the RA: issued by the CA for the platform's own keys (OCSP responders, TSA, RA TLS, service keys), audited.</summary>
    Platform = 0,

    /// <summary>Anyone, on the public Apply page or the API: staff certificates, bound to a person account by staff ID.</summary>
    Public = 1,

    /// <summary>Authenticated submitters acting for a registered business system (the system itself, or an RA admin enrolling it).</summary>
    System = 2,
}
