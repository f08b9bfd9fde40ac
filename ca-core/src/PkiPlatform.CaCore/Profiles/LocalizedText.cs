using System.Text.Json;
using System.Text.Json.Serialization;

namespace PkiPlatform.CaCore.Profiles;

/// <summary>
/// A text of a profile in the user interfaces' languages (issue 11). In a profile file either a plain string (the same
/// in every language) or an object by language tag: <c>{ "zh-CN": "员工登录证书", "en": "Staff login" }</c>.
/// </summary>
[JsonConverter(typeof(LocalizedTextConverter))]
public sealed class LocalizedText
{
    public static readonly IReadOnlyList<string> Languages = ["zh-CN", "en"];

    private readonly IReadOnlyDictionary<string, string> _texts;

    public LocalizedText(IReadOnlyDictionary<string, string> texts) => _texts = texts;

    public LocalizedText(string text) => _texts = new Dictionary<string, string> { [""] = text };

    /// <summary>The text in <paramref name="language"/>, else English, else the plain text, else empty.</summary>
    public string In(string language) =>
        _texts.TryGetValue(language, out var text) || _texts.TryGetValue("en", out text) || _texts.TryGetValue("", out text) ? text : "";

    /// <summary>Whether the file gave this language explicitly (a plain string counts for none).</summary>
    public bool Has(string language) => _texts.ContainsKey(language);

    public IEnumerable<string> Tags => _texts.Keys;

    public static LocalizedText Empty { get; } = new(new Dictionary<string, string>());
}

internal sealed class LocalizedTextConverter : JsonConverter<LocalizedText>
{
    public override LocalizedText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new LocalizedText(reader.GetString()!);
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expected a string or an object of language tag to text, e.g. { \"zh-CN\": \"…\", \"en\": \"…\" }");
        }

        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var tag = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String || !LocalizedText.Languages.Contains(tag))
            {
                throw new JsonException($"language '{tag}': expected one of {string.Join(", ", LocalizedText.Languages)} with a string");
            }

            texts[tag] = reader.GetString()!;
        }

        return new LocalizedText(texts);
    }

    public override void Write(Utf8JsonWriter writer, LocalizedText value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var tag in value.Tags)
        {
            writer.WriteString(tag.Length == 0 ? "en" : tag, value.In(tag));
        }

        writer.WriteEndObject();
    }
}
