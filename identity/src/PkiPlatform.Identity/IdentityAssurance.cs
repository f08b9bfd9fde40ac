namespace PkiPlatform.Identity;

/// <summary>
/// What a relying party learns about how strongly a staff member logged in. The only login this provider offers is a
/// TLS client certificate of profile staff-auth whose key is generated on and never leaves the USB key.
/// </summary>
public static class IdentityAssurance
{
    /// <summary>The <c>acr</c> of every login here: certificate-based authentication with a hardware-held key (documented in docs/identity.md).</summary>
    public const string UsbKeyCertificate = "urn:hrss:pki:acr:usb-key-certificate";

    /// <summary>RFC 8176 methods: <c>hwk</c> (proof of possession of a hardware-secured key) and <c>sc</c> (smart card).</summary>
    public static readonly IReadOnlyList<string> Methods = ["hwk", "sc"];

    /// <summary>The profile whose certificates log in.</summary>
    public const string LoginProfile = "staff-auth";
}
