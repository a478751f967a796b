using CooperationLedger.EventStore.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// Reads the global feed for projections: pages bounded by the safe mark, and an append's own events inside its
/// still-open transaction (which the store's reads, on their own connections, cannot see).
/// </summary>
internal sealed class EventFeedReader(NpgsqlDataSource dataSource, EventTypeRegistry registry)
{
    private const string PageAfterColumns = """
          from ledger.events
         where sequence > $1 and sequence <= $2
         order by sequence
         limit $3
        """;

    private const string PageSql = $"select {StoredEventRow.Columns}\n{PageAfterColumns}";

    private const string PageWithoutDataSql = $"select {StoredEventRow.ColumnsWithoutData}\n{PageAfterColumns}";

    /// <summary>
    /// Up to <paramref name="limit"/> events with <paramref name="after"/> &lt; sequence ≤ <paramref name="upTo"/>, in
    /// sequence order; without their data and source unless <paramref name="withData"/>.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadPageAsync(long after, long upTo, int limit, bool withData, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(withData ? PageSql : PageWithoutDataSql);
        AddPage(command, after, upTo, limit);
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>The same page, read on <paramref name="connection"/>, which must be idle.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadPageAsync(NpgsqlConnection connection, long after, long upTo, int limit, bool withData, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(withData ? PageSql : PageWithoutDataSql, connection);
        AddPage(command, after, upTo, limit);
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>Every event with <paramref name="after"/> &lt; sequence ≤ <paramref name="upTo"/> that <paramref name="transaction"/> sees.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadInTransactionAsync(NpgsqlTransaction transaction, long after, long upTo, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            select {StoredEventRow.Columns}
              from ledger.events
             where sequence > $1 and sequence <= $2
             order by sequence
            """, transaction.Connection, transaction);
        AddRange(command, after, upTo);
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>The events of <paramref name="streamIds"/> with sequence ≤ <paramref name="throughSequence"/>, by stream and version.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamsInTransactionAsync(NpgsqlTransaction transaction, IReadOnlyCollection<Guid> streamIds, long throughSequence, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(StoredEventRow.StreamsSql, transaction.Connection, transaction);
        StoredEventRow.AddStreamsParameters(command.Parameters, streamIds, throughSequence);
        return await ReadAsync(command, cancellationToken);
    }

    private static void AddPage(NpgsqlCommand command, long after, long upTo, int limit)
    {
        AddRange(command, after, upTo);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = limit });
    }

    private static void AddRange(NpgsqlCommand command, long after, long upTo)
    {
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = after });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = upTo });
    }

    // Projections decode what they read of an event, and an event they cannot decode is then their poison event.
    private Task<IReadOnlyList<RecordedEvent>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken) =>
        StoredEventRow.ReadRecordedEventsAsync(command, registry, decodeOnUse: true, cancellationToken);
}
