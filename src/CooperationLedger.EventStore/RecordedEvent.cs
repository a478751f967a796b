namespace CooperationLedger.EventStore;

/// <summary>A stored event with every column, its data read into the current shape of its registered type.</summary>
public sealed record RecordedEvent
{
    public required long Sequence { get; init; }

    public required Guid EventId { get; init; }

    public required Guid StreamId { get; init; }

    public required long Version { get; init; }

    /// <summary>The stable alias the event is stored under, such as <c>visit-held</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The schema version it was stored at; <see cref="Data"/> has been upcast from it to the current one.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>The data as stored (PostgreSQL's jsonb text), before any upcasting.</summary>
    public required string DataJson { get; init; }

    public required object Data { get; init; }

    public required OccurredAt OccurredAt { get; init; }

    public required DateTimeOffset RecordedAt { get; init; }

    public required string RecordedBy { get; init; }

    public required Guid? CorrelationId { get; init; }

    public required Guid? CausationId { get; init; }

    public required string? IdempotencyKey { get; init; }

    public required string? SourceJson { get; init; }

    public required EventSource? Source { get; init; }

    /// <summary>The hash of the stream's previous event; empty for version 1.</summary>
    public required byte[] PrevHash { get; init; }

    public required byte[] Hash { get; init; }
}
