using System.Text.Json;
using System.Text.Json.Serialization;
using CooperationLedger.Domain;

namespace CooperationLedger.Api.Ledger;

/// <summary>
/// An entry as a read model keeps it (jsonb): the event in the public shape of its type, with when it occurred, when
/// and by whom it was recorded, and where it is known from.
/// </summary>
public static class EntryDocument
{
    public static string Write(RecordedEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return JsonSerializer.Serialize(
            new StoredEntry(
                entry.EventId,
                entry.Sequence,
                entry.Version,
                PartnershipEventCatalog.AliasOf(entry.Event),
                LedgerEntries.DataOf(entry.Event),
                entry.OccurredAt,
                entry.RecordedAt,
                entry.RecordedBy,
                entry.Source),
            ReadModelJsonContext.Default.StoredEntry);
    }

    public static RecordedEntry Read(string json)
    {
        var entry = JsonSerializer.Deserialize(json, ReadModelJsonContext.Default.StoredEntry)
            ?? throw new JsonException("A stored entry is JSON null.");
        return new RecordedEntry(
            entry.EventId,
            entry.Sequence,
            entry.Version,
            entry.OccurredAt,
            entry.RecordedAt,
            entry.RecordedBy,
            entry.Source,
            ReadEvent(entry));
    }

    private static PartnershipEvent ReadEvent(StoredEntry entry) =>
        PartnershipEventCatalog.TryGet(entry.Type, out var eventType) && entry.Data.Deserialize(eventType.TypeInfo) is PartnershipEvent @event
            ? @event
            : throw new JsonException($"A stored entry is an unreadable '{entry.Type}' (sequence {entry.Sequence}).");
}

internal sealed record StoredEntry(
    Guid EventId,
    long Sequence,
    long Version,
    string Type,
    JsonElement Data,
    OccurredAt OccurredAt,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    Source? Source);

/// <remarks>
/// Unlike the domain's context, it does not insist on constructor parameters being present, because documents are
/// written without null members and read back by the same code.
/// </remarks>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredEntry))]
[JsonSerializable(typeof(PartnershipSummary))]
internal sealed partial class ReadModelJsonContext : JsonSerializerContext;
