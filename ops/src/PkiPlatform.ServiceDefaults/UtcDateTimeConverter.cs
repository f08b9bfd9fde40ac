using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PkiPlatform.ServiceDefaults;

/// <summary>
/// Issue 11: every time an API returns carries its zone. The database holds UTC (SQLite gives it back without a kind),
/// so a <see cref="DateTime"/> is written as UTC with "Z" (2026-12-01T08:00:00.0000000Z), never as a bare local-looking time.
/// </summary>
public sealed class UtcDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().UtcDateTime;

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        writer.WriteStringValue(utc.ToString("O", CultureInfo.InvariantCulture));
    }
}
