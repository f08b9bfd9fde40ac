namespace PkiPlatform.CaCore.Issuance;

/// <summary>The account a certificate is issued to and bound to; person accounts are created from these details when new.</summary>
public sealed record AccountBinding(string Identity, string DisplayName = "", string? Organization = null, string? Unit = null)
{
    /// <summary>
    /// The account asked for this certificate itself (authenticated with one of its own certificates): only then may a
    /// new certificate join an existing person account. Business-system and platform accounts are registered first and
    /// always exist.
    /// </summary>
    public bool Renewal { get; init; }
}
