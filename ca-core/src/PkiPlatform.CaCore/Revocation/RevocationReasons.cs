using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Revocation;

/// <summary>The RFC 5280 names of revocation reasons, as operators type them.</summary>
public static class RevocationReasons
{
    private static readonly Dictionary<string, RevocationReason> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["unspecified"] = RevocationReason.Unspecified,
        ["keyCompromise"] = RevocationReason.KeyCompromise,
        ["cACompromise"] = RevocationReason.CaCompromise,
        ["affiliationChanged"] = RevocationReason.AffiliationChanged,
        ["superseded"] = RevocationReason.Superseded,
        ["cessationOfOperation"] = RevocationReason.CessationOfOperation,
        ["certificateHold"] = RevocationReason.CertificateHold,
        ["privilegeWithdrawn"] = RevocationReason.PrivilegeWithdrawn,
        ["aACompromise"] = RevocationReason.AaCompromise,
    };

    public static string Accepted => string.Join(", ", ByName.Keys);

    public static string ToName(this RevocationReason reason) =>
        reason == RevocationReason.RemoveFromCrl ? "removeFromCRL" : ByName.First(kv => kv.Value == reason).Key;

    /// <summary>Parses a reason an operator may revoke with (removeFromCRL is not one: use release).</summary>
    public static RevocationReason Parse(string name) =>
        ByName.TryGetValue(name.Trim(), out var reason)
            ? reason
            : throw new PkiException(PkiErrorCodes.InvalidArgument, $"unknown revocation reason '{name}'; use one of: {Accepted}");
}
