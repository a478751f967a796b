using System.Text.Json;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Serialization;
using StoredOccurredAt = CooperationLedger.EventStore.OccurredAt;

namespace CooperationLedger.Api.Ledger;

/// <summary>
/// What the store keeps of an entry a client asked for: its type, when it occurred, its data and its source, not who
/// recorded it or when. Two requests under one Idempotency-Key are the same request when their entries are equal in
/// this form, so that a retry with its JSON keys in another order or other whitespace is still a retry.
/// </summary>
/// <param name="CanonicalData">The data in its current shape as canonical JSON: the event records hold lists, which
/// records compare by reference, and a correction's data is free JSON whose member order must not count.</param>
/// <param name="Source">The source as it reads back from the store, which keeps a URL only if it parses as one.</param>
public sealed record EntryAsStored(string Type, StoredOccurredAt OccurredAt, string CanonicalData, Source? Source)
{
    public static EntryAsStored Of(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return new(
            PartnershipEventCatalog.AliasOf(command.Payload),
            LedgerEntries.ToStore(command.OccurredAt),
            CanonicalDataOf(command.Payload),
            command.Source is { } source ? LedgerEntries.ToDomain(LedgerEntries.ToStore(source)) : null);
    }

    public static EntryAsStored Of(RecordedEvent recorded)
    {
        var entry = LedgerEntries.ToEntry(recorded);
        return new(recorded.Type, recorded.OccurredAt, CanonicalDataOf(entry.Event), entry.Source);
    }

    /// <summary>Whether the stored events are exactly what the commands ask for, in the same order.</summary>
    public static bool AreSame(IReadOnlyList<Command> requested, IReadOnlyList<RecordedEvent> stored)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(stored);
        return requested.Count == stored.Count && requested.Select(Of).SequenceEqual(stored.Select(Of));
    }

    private static string CanonicalDataOf(PartnershipEvent @event) =>
        CanonicalJson.Canonicalize(JsonSerializer.Serialize(@event, PartnershipEventCatalog.For(@event).TypeInfo));
}
