using System.Text.Json;
using System.Text.Json.Serialization;

namespace CooperationLedger.Domain;

public sealed class OccurredAtJsonConverter : JsonConverter<OccurredAt>
{
    public override OccurredAt Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return OccurredAt.TryParse(text, out var value, out var error) ? value : throw new JsonException(error);
    }

    // Written raw so the offset's "+" is not escaped as \u002B by the default encoder: the value's canonical text is
    // plain ASCII digits and separators, and clients compare it as written.
    public override void Write(Utf8JsonWriter writer, OccurredAt value, JsonSerializerOptions options) =>
        writer.WriteRawValue($"\"{value}\"", skipInputValidation: true);
}
