using System.Text.Json.Serialization;

namespace PkiPlatform.CaCore.Hosting;

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(PkiConfig))]
internal sealed partial class PkiConfigJsonContext : JsonSerializerContext
{
}
