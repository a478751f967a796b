using System.Text.Json;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using OccurredAt = CooperationLedger.Domain.OccurredAt;
using StoredOccurredAt = CooperationLedger.EventStore.OccurredAt;

namespace CooperationLedger.Api.Ledger;

/// <summary>
/// The one place where the store's rows become the domain's entries, and the domain's decisions become the store's
/// new events; every endpoint, projection and the sample-data loader goes through it.
/// </summary>
public static class LedgerEntries
{
    /// <summary>The stream type every partnership is stored under.</summary>
    public const string PartnershipStreamType = "partnership";

    public static RecordedEntry ToEntry(RecordedEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return new RecordedEntry(
            recorded.EventId,
            recorded.Sequence,
            recorded.Version,
            ToDomain(recorded.OccurredAt),
            recorded.RecordedAt,
            recorded.RecordedBy,
            recorded.Source is { } source ? ToDomain(source) : null,
            recorded.Data as PartnershipEvent
                ?? throw new UnreadableEventException(recorded.Sequence, $"'{recorded.Type}' is not a partnership event."));
    }

    public static IReadOnlyList<RecordedEntry> ToEntries(IEnumerable<RecordedEvent> recorded) => [.. recorded.Select(ToEntry)];

    /// <summary>The entry an accepted event became once the store appended it.</summary>
    public static RecordedEntry ToEntry(EventToAppend decided, AppendedEvent appended, string recordedBy)
    {
        ArgumentNullException.ThrowIfNull(decided);
        ArgumentNullException.ThrowIfNull(appended);
        return new RecordedEntry(
            appended.EventId, appended.Sequence, appended.Version, decided.OccurredAt, appended.RecordedAt, recordedBy, decided.Source, decided.Data);
    }

    public static NewEvent ToNewEvent(EventToAppend decided)
    {
        ArgumentNullException.ThrowIfNull(decided);
        return new NewEvent(decided.Data, ToStore(decided.OccurredAt), decided.Source is { } source ? ToStore(source) : null);
    }

    public static OccurredAt ToDomain(StoredOccurredAt stored) => OccurredAt.FromStorage(stored.ToDateTimeOffset(), stored.IsDate);

    public static StoredOccurredAt ToStore(OccurredAt occurredAt) =>
        occurredAt.IsDate ? StoredOccurredAt.OnDate(occurredAt.Day) : StoredOccurredAt.At(occurredAt.Instant);

    public static Source ToDomain(EventSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new Source(
            StableNames.TryParse<SourceKind>(source.Kind, out var kind) ? kind : SourceKind.Other,
            source.Title,
            source.Url?.OriginalString,
            source.PublishedOn);
    }

    public static EventSource ToStore(Source source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new EventSource(
            StableNames.Of(source.Kind),
            source.Title,
            source.Url is { } url && Uri.TryCreate(url, UriKind.RelativeOrAbsolute, out var uri) ? uri : null,
            source.PublishedOn);
    }

    /// <summary>An entry's data in the public JSON shape of its type.</summary>
    public static JsonElement DataOf(PartnershipEvent @event) =>
        JsonSerializer.SerializeToElement(@event, PartnershipEventCatalog.For(@event).TypeInfo);
}
