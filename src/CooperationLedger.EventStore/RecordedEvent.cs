using System.Diagnostics.CodeAnalysis;
using CooperationLedger.EventStore.Serialization;

namespace CooperationLedger.EventStore;

/// <summary>A stored event with every column, its data read into the current shape of its registered type.</summary>
/// <remarks>
/// The events the engine hands to projections are decoded when <see cref="Data"/> or <see cref="Source"/> is first
/// read: a projection that needs only the other columns, such as one that indexes events by type, does not pay for
/// decoding JSON it never looks at. An event that cannot be decoded then fails in the projection that reads it, which
/// treats it as a poison event, instead of failing the page it came in. The store's own reads decode at once. A
/// projection that declares it reads no event data (<see cref="Projections.IProjection.ReadsEventData"/>) gets events
/// whose data and source were never fetched: reading them throws <see cref="InvalidOperationException"/>.
/// </remarks>
public sealed record RecordedEvent
{
    private readonly StoredEventRow? undecoded;
    private readonly EventTypeRegistry? registry;
    private readonly string? dataJson;
    private readonly string? sourceJson;
    private object? data;
    private EventSource? source;
    private bool sourceDecoded;

    public RecordedEvent()
    {
    }

    /// <param name="decodeOnUse">Whether <see cref="Data"/> and <see cref="Source"/> wait until first read.</param>
    [SetsRequiredMembers]
#pragma warning disable CS8618 // Data is decoded from the row on first read, which the compiler cannot follow.
    internal RecordedEvent(StoredEventRow row, EventTypeRegistry registry, bool decodeOnUse)
    {
        if (decodeOnUse)
        {
            undecoded = row;
            this.registry = registry;
        }
        else
        {
            data = row.DecodeData(registry);
            source = row.DecodeSource();
            sourceDecoded = true;
        }

        Sequence = row.Sequence;
        EventId = row.EventId;
        StreamId = row.StreamId;
        Version = row.Version;
        Type = row.Type;
        SchemaVersion = row.SchemaVersion;
        dataJson = row.DataJson;
        OccurredAt = row.OccurredAt;
        RecordedAt = new DateTimeOffset(row.RecordedAtUtc, TimeSpan.Zero);
        RecordedBy = row.RecordedBy;
        CorrelationId = row.CorrelationId;
        CausationId = row.CausationId;
        IdempotencyKey = row.IdempotencyKey;
        sourceJson = row.SourceJson;
        PrevHash = row.PrevHash;
        Hash = row.Hash;
    }
#pragma warning restore CS8618

    // The data column is never null, so a row without it was read without its data and source.
    private bool DataNotRead => undecoded is { DataJson: null };

    public required long Sequence { get; init; }

    public required Guid EventId { get; init; }

    public required Guid StreamId { get; init; }

    public required long Version { get; init; }

    /// <summary>The stable alias the event is stored under, such as <c>visit-held</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The schema version it was stored at; <see cref="Data"/> has been upcast from it to the current one.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>The data as stored (PostgreSQL's jsonb text), before any upcasting.</summary>
    public required string DataJson
    {
        get => DataNotRead ? throw undecoded!.DataNotRead() : dataJson!;
        init => dataJson = value;
    }

    /// <exception cref="UnreadableEventException">The stored data does not fit its registered type (decoded on use only).</exception>
    public required object Data
    {
        // Two threads may decode the same event; both get equal values, and the first one kept is as good as the other.
        get => data ??= undecoded!.DecodeData(registry!);
        init => data = value;
    }

    public required OccurredAt OccurredAt { get; init; }

    public required DateTimeOffset RecordedAt { get; init; }

    public required string RecordedBy { get; init; }

    public required Guid? CorrelationId { get; init; }

    public required Guid? CausationId { get; init; }

    public required string? IdempotencyKey { get; init; }

    public required string? SourceJson
    {
        get => DataNotRead ? throw undecoded!.DataNotRead() : sourceJson;
        init => sourceJson = value;
    }

    /// <exception cref="UnreadableEventException">The stored source does not fit {kind, title, url, publishedOn} (decoded on use only).</exception>
    public required EventSource? Source
    {
        get
        {
            if (DataNotRead)
            {
                throw undecoded!.DataNotRead();
            }

            if (!Volatile.Read(ref sourceDecoded))
            {
                source = undecoded!.DecodeSource();
                Volatile.Write(ref sourceDecoded, true);
            }

            return source;
        }

        init
        {
            source = value;
            sourceDecoded = true;
        }
    }

    /// <summary>
    /// Where the event stands and what it is, without its data: the record's own text would read every property, and
    /// for an event whose data was not read (or cannot be decoded) that throws.
    /// </summary>
    public override string ToString() =>
        $"{nameof(RecordedEvent)} {{ {nameof(Sequence)} = {Sequence}, {nameof(StreamId)} = {StreamId}, {nameof(Version)} = {Version}, {nameof(Type)} = {Type}, {nameof(EventId)} = {EventId} }}";

    /// <summary>The hash of the stream's previous event; empty for version 1.</summary>
    public required byte[] PrevHash { get; init; }

    public required byte[] Hash { get; init; }
}
