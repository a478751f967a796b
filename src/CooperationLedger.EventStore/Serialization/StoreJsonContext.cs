using System.Text.Json.Serialization;

namespace CooperationLedger.EventStore.Serialization;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventSource))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
