namespace CooperationLedger.EventStore;

/// <summary>
/// Reading a stream as it stood at some point, and folding it on read (live aggregation). Two clocks: what the ledger
/// <em>knew</em> at a recorded time (events recorded later are ignored), and what was <em>true in the world</em> at
/// an occurred time given everything known now (events recorded later count, if they occurred by then).
/// </summary>
public static class TimeTravel
{
    /// <summary>The stream as the ledger knew it at <paramref name="recordedAt"/>: events recorded at or before it.</summary>
    public static Task<IReadOnlyList<RecordedEvent>> ReadStreamAsOfRecordedAsync(
        this LedgerEventStore store,
        Guid streamId,
        DateTimeOffset recordedAt,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.ReadStreamAsync(streamId, recordedAtOrBefore: recordedAt, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The stream as far as it describes the world up to <paramref name="occurredAtOrBefore"/>, with everything
    /// recorded until now: events whose occurred time is at or before it, however late they were recorded, plus every
    /// event of <paramref name="correctionTypes"/> whatever its own occurred time, in version order. Corrections are
    /// knowledge about earlier entries rather than facts in the world, so the fold decides how they apply (one whose
    /// target is not in the slice changes nothing there).
    /// </summary>
    public static async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsOfOccurredAsync(
        this LedgerEventStore store,
        Guid streamId,
        DateTimeOffset occurredAtOrBefore,
        IReadOnlyCollection<string> correctionTypes,
        CancellationToken cancellationToken = default) =>
        await ReadOccurredSliceAsync(store, streamId, correctionTypes, occurred => occurred.Instant <= occurredAtOrBefore, cancellationToken);

    /// <summary>
    /// As <see cref="ReadStreamAsOfOccurredAsync(LedgerEventStore, Guid, DateTimeOffset, IReadOnlyCollection{string}, CancellationToken)"/>,
    /// up to the end of <paramref name="occurredOnOrBefore"/>: a date-only event counts from its date, a moment from
    /// its calendar day in the offset it was stated in.
    /// </summary>
    public static async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsOfOccurredAsync(
        this LedgerEventStore store,
        Guid streamId,
        DateOnly occurredOnOrBefore,
        IReadOnlyCollection<string> correctionTypes,
        CancellationToken cancellationToken = default) =>
        await ReadOccurredSliceAsync(store, streamId, correctionTypes, occurred => occurred.Date <= occurredOnOrBefore, cancellationToken);

    /// <summary>
    /// Live aggregation: reads the stream (up to <paramref name="upToVersion"/> and/or as recorded by
    /// <paramref name="recordedAsOf"/>) and folds it with <paramref name="fold"/>; nothing is stored.
    /// </summary>
    public static async Task<TState> AggregateStreamAsync<TState>(
        this LedgerEventStore store,
        Guid streamId,
        Func<IReadOnlyList<RecordedEvent>, TState> fold,
        long? upToVersion = null,
        DateTimeOffset? recordedAsOf = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(fold);
        return fold(await store.ReadStreamAsync(streamId, upToVersion, recordedAsOf, cancellationToken: cancellationToken));
    }

    private static async Task<IReadOnlyList<RecordedEvent>> ReadOccurredSliceAsync(
        LedgerEventStore store,
        Guid streamId,
        IReadOnlyCollection<string> correctionTypes,
        Func<OccurredAt, bool> occurredInSlice,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(correctionTypes);
        // Streams are short, and the day test needs each event's own offset, so the slice is cut here, not in SQL.
        var events = await store.ReadStreamAsync(streamId, cancellationToken: cancellationToken);
        return [.. events.Where(recorded => occurredInSlice(recorded.OccurredAt) || correctionTypes.Contains(recorded.Type))];
    }
}
