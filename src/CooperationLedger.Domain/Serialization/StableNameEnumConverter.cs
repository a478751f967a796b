using System.Text.Json;
using System.Text.Json.Serialization;

namespace CooperationLedger.Domain;

/// <summary>
/// Reads and writes an enum strictly as its stable kebab-case name: unlike <see cref="JsonStringEnumConverter"/> it
/// accepts neither numbers nor other casings, so every spelling in the ledger is the public one.
/// </summary>
public sealed class StableNameEnumConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
{
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return StableNames.TryParse<TEnum>(name, out var value)
            ? value
            : throw new JsonException($"Expected one of: {string.Join(", ", StableNames.All<TEnum>())}.");
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
        writer.WriteStringValue(StableNames.Of(value));
}
