using System.Text.Json.Serialization;
using CooperationLedger.Domain;

namespace CooperationLedger.Api.Ledger;

/// <summary>The JSON of the documents read models keep (jsonb): partnership summaries.</summary>
/// <remarks>
/// Unlike the domain's context, it does not insist on constructor parameters being present, because documents are
/// written without null members and read back by the same code.
/// </remarks>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PartnershipSummary))]
internal sealed partial class ReadModelJsonContext : JsonSerializerContext;
