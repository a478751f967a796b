using System.Collections.Concurrent;
using CooperationLedger.EventStore.Serialization;
using Npgsql;

namespace CooperationLedger.EventStore;

/// <summary>
/// Live aggregation without reading a long stream's whole history on every read. A stream's events never change
/// (the ledger is append-only) and its versions commit in order (each append holds the stream's row until it
/// commits), so events once read are kept in memory and each read asks only for the versions after them: one
/// indexed round trip that returns nothing when nothing was appended. Every committed event is still seen: nothing
/// is stored in the database and nothing is stale.
/// </summary>
/// <param name="capacityInEvents">When the cached streams hold more events than this, the cache starts afresh.</param>
public sealed class StreamEventCache(NpgsqlDataSource dataSource, EventTypeRegistry registry, int capacityInEvents = 200_000)
{
    private readonly LedgerEventStore store = new(dataSource, registry);
    private readonly ConcurrentDictionary<Guid, RecordedEvent[]> streams = new();
    private long cachedEvents;

    /// <summary>As <see cref="LedgerEventStore.ReadStreamAsync"/>: the stream, up to a version and/or as recorded by a moment.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(
        Guid streamId,
        long? toVersion = null,
        DateTimeOffset? recordedAtOrBefore = null,
        CancellationToken cancellationToken = default)
    {
        var known = streams.GetValueOrDefault(streamId) ?? [];
        var events = known;
        if (toVersion is not { } version || version > known.Length)
        {
            var tail = await store.ReadStreamAsync(streamId, afterVersion: known.Length, cancellationToken: cancellationToken);
            if (tail.Count > 0)
            {
                events = [.. known, .. tail];
                Remember(streamId, events, tail.Count);
            }
        }

        // Recorded times never go back within a stream, so both limits cut a prefix.
        var count = events.Length;
        if (toVersion is { } limit)
        {
            count = (int)Math.Clamp(limit, 0, count);
        }

        if (recordedAtOrBefore is { } moment)
        {
            count = Array.FindIndex(events, 0, count, recorded => recorded.RecordedAt > moment) is var first and >= 0 ? first : count;
        }

        return count == events.Length ? events : events[..count];
    }

    /// <summary>As <see cref="TimeTravel.AggregateStreamAsync"/>, from the cache.</summary>
    public async Task<TState> AggregateStreamAsync<TState>(
        Guid streamId,
        Func<IReadOnlyList<RecordedEvent>, TState> fold,
        long? upToVersion = null,
        DateTimeOffset? recordedAsOf = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fold);
        return fold(await ReadStreamAsync(streamId, upToVersion, recordedAsOf, cancellationToken));
    }

    private void Remember(Guid streamId, RecordedEvent[] events, int added)
    {
        if (Interlocked.Add(ref cachedEvents, added) > capacityInEvents)
        {
            streams.Clear();
            Interlocked.Exchange(ref cachedEvents, events.Length);
        }

        streams[streamId] = events;
    }
}
