using System.Text.Json.Serialization;

namespace PkiPlatform.KeyStore.Software;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(KeyFile))]
internal sealed partial class KeyFileJsonContext : JsonSerializerContext
{
}
