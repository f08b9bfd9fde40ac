using System.Text.Json;
using System.Text.Json.Serialization;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// The CA↔KMC channel when the key management centre runs as its own host (issue 13): the three calls of
/// <see cref="IEncryptionKeySource"/> as JSON over mutual TLS with certificates of this platform, shaped after GM/T 0014's
/// apply / (confirm) / revoke key requests. Each side decides by the CA's records and an explicit account binding, never
/// by a name: the KMC serves only callers whose client certificate is bound to an account on its allow-list (the CA's,
/// <see cref="CaAccount"/>); the CA talks only to a server whose certificate is bound to <see cref="KmcAccount"/>.
/// No private key crosses the channel in clear: the CA receives public keys (SubjectPublicKeyInfo) and envelopes.
/// </summary>
public static class KmcProtocol
{
    public const string ApplyPath = "/kmc/v1/apply";

    public const string ConfirmPath = "/kmc/v1/confirm";

    public const string AbandonPath = "/kmc/v1/abandon";

    /// <summary>The account the CA's KMC client certificate is bound to (profile platform-client).</summary>
    public const string CaAccount = "platform:ca";

    /// <summary>The account the KMC host's TLS certificate is bound to (profile platform-tls).</summary>
    public const string KmcAccount = "platform:kmc";

    /// <summary>Requests of one call at most (a batch of the CA worker).</summary>
    public const int MaxBatch = 1000;

    /// <summary>Byte arrays as base64, algorithms by name.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(allowIntegerValues: false) } };

    /// <summary>The body of <see cref="AbandonPath"/>.</summary>
    public sealed record AbandonRequest(IReadOnlyList<string> KeyIds, string Reason);
}
