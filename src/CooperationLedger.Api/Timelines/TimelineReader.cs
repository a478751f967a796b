using CooperationLedger.Api.Ledger;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.Api.Timelines;

/// <param name="From">Entries that occurred on or after this day (the day where they happened).</param>
/// <param name="To">Entries that occurred on or before this day.</param>
/// <param name="After">The cursor: only entries with a higher sequence.</param>
public sealed record FeedFilter(DateOnly? From, DateOnly? To, string? Type, string? RecordedBy, long After, int Limit);

/// <summary>Timelines read from the events table: one partnership's in version order, or the whole ledger's feed in sequence order.</summary>
public sealed class TimelineReader(LedgerEventStore store, NpgsqlDataSource dataSource)
{
    /// <summary>Null when the partnership has no entries.</summary>
    public async Task<IReadOnlyList<TimelineItem>?> ForPartnershipAsync(Guid partnershipId, CancellationToken cancellationToken)
    {
        var recorded = await store.ReadStreamAsync(partnershipId, cancellationToken: cancellationToken);
        if (recorded.Count == 0)
        {
            return null;
        }

        var described = Describe(LedgerEntries.ToEntries(recorded));
        return [.. recorded.Select(stored => TimelineItem.Create(
            partnershipId, described[stored.EventId].Entry, described[stored.EventId].Described, stored.DataJson, stored.Hash, stored.PrevHash))];
    }

    /// <summary>
    /// A page of the feed. The filters run in SQL; each entry is then described within its partnership's history,
    /// read for all the page's partnerships in one query.
    /// </summary>
    public async Task<TimelinePage> FeedAsync(FeedFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var rows = await ReadFeedRowsAsync(filter, cancellationToken);
        var histories = await HistoriesAsync([.. rows.Select(row => row.PartnershipId).Distinct()], cancellationToken);
        var items = new List<TimelineItem>(rows.Count);
        foreach (var row in rows)
        {
            var entry = histories[row.PartnershipId][row.EventId];
            items.Add(TimelineItem.Create(row.PartnershipId, entry.Entry, entry.Described, row.DataJson, row.Hash, row.PrevHash));
        }

        return new TimelinePage(items, items.Count > 0 ? items[^1].Sequence : filter.After > 0 ? filter.After : null);
    }

    private async Task<List<FeedRow>> ReadFeedRowsAsync(FeedFilter filter, CancellationToken cancellationToken)
    {
        // The day an entry occurred is the day where it happened: a date-time counts in its own offset.
        await using var command = dataSource.CreateCommand("""
            select sequence, stream_id, event_id, data::text, hash, prev_hash
              from ledger.events
             where sequence > $1
               and ($2::date is null or ((occurred_at at time zone 'UTC') + coalesce(occurred_at_offset_minutes, 0) * interval '1 minute')::date >= $2)
               and ($3::date is null or ((occurred_at at time zone 'UTC') + coalesce(occurred_at_offset_minutes, 0) * interval '1 minute')::date <= $3)
               and ($4::text is null or type = $4)
               and ($5::text is null or recorded_by = $5)
             order by sequence
             limit $6
            """);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = filter.After });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)filter.From ?? DBNull.Value });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)filter.To ?? DBNull.Value });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)filter.Type ?? DBNull.Value });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)filter.RecordedBy ?? DBNull.Value });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = filter.Limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<FeedRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new FeedRow(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3),
                reader.GetFieldValue<byte[]>(4), reader.GetFieldValue<byte[]>(5)));
        }

        return rows;
    }

    /// <summary>Histories read after the page, so each holds every entry of the page that belongs to it.</summary>
    private async Task<Dictionary<Guid, Dictionary<Guid, DescribedEntry>>> HistoriesAsync(Guid[] partnershipIds, CancellationToken cancellationToken) =>
        (await store.ReadStreamsAsync(partnershipIds, cancellationToken))
            .GroupBy(recorded => recorded.StreamId)
            .ToDictionary(stream => stream.Key, stream => Describe(LedgerEntries.ToEntries(stream)));

    /// <summary>Each entry of one partnership's history with the timeline's reading of it, by event id.</summary>
    internal static Dictionary<Guid, DescribedEntry> Describe(IReadOnlyList<RecordedEntry> entries)
    {
        var history = PartnershipHistory.Of(entries);
        var described = Timeline.Create(history);
        return history.Entries.Zip(described, (entry, timelineEntry) => new DescribedEntry(entry, timelineEntry))
            .ToDictionary(pair => pair.Entry.EventId);
    }

    private sealed record FeedRow(long Sequence, Guid PartnershipId, Guid EventId, string DataJson, byte[] Hash, byte[] PrevHash);

    internal sealed record DescribedEntry(RecordedEntry Entry, TimelineEntry Described);
}
