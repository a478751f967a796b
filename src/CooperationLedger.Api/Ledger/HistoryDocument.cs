using System.Text.Json;
using System.Text.Json.Serialization;
using CooperationLedger.Domain;

namespace CooperationLedger.Api.Ledger;

/// <summary>
/// A partnership's entries as a read model keeps them (jsonb beside its columns): late-recorded entries and corrections
/// reorder the whole history, so a projection folds it again on every change without reading the stream back.
/// </summary>
public static class HistoryDocument
{
    public static string Write(IEnumerable<RecordedEntry> entries) =>
        JsonSerializer.Serialize(
            [.. entries.Select(entry => new StoredEntry(
                entry.EventId,
                entry.Sequence,
                entry.Version,
                PartnershipEventCatalog.AliasOf(entry.Event),
                LedgerEntries.DataOf(entry.Event),
                entry.OccurredAt,
                entry.RecordedAt,
                entry.RecordedBy,
                entry.Source))],
            ReadModelJsonContext.Default.ListStoredEntry);

    public static IReadOnlyList<RecordedEntry> Read(string json)
    {
        var stored = JsonSerializer.Deserialize(json, ReadModelJsonContext.Default.ListStoredEntry)
            ?? throw new JsonException("A stored history is JSON null.");
        return [.. stored.Select(entry => new RecordedEntry(
            entry.EventId,
            entry.Sequence,
            entry.Version,
            entry.OccurredAt,
            entry.RecordedAt,
            entry.RecordedBy,
            entry.Source,
            ReadEvent(entry)))];
    }

    private static PartnershipEvent ReadEvent(StoredEntry entry) =>
        PartnershipEventCatalog.TryGet(entry.Type, out var eventType) && entry.Data.Deserialize(eventType.TypeInfo) is PartnershipEvent @event
            ? @event
            : throw new JsonException($"A stored history holds an unreadable '{entry.Type}' entry (sequence {entry.Sequence}).");
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
[JsonSerializable(typeof(List<StoredEntry>))]
[JsonSerializable(typeof(PartnershipSummary))]
internal sealed partial class ReadModelJsonContext : JsonSerializerContext;
