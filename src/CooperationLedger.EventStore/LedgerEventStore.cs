using System.Data;
using System.Text.Json;
using CooperationLedger.EventStore.Serialization;
using CooperationLedger.EventStore.TamperEvidence;
using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.EventStore;

/// <summary>
/// The append-only, hash-chained event store in schema <c>ledger</c>. Apply <see cref="Schema.LedgerSchema"/>'s
/// migrations first. Named apart from its namespace so that code in other <c>CooperationLedger.*</c> namespaces can
/// refer to it without qualification.
/// </summary>
public sealed class LedgerEventStore(NpgsqlDataSource dataSource, EventTypeRegistry registry)
{
    public EventTypeRegistry Registry => registry;

    /// <summary>Starts a stream; <see cref="StreamAlreadyExistsException"/> if it exists (unless this is a retry with the same idempotency key).</summary>
    public Task<AppendResult> StartStreamAsync(
        Guid streamId,
        string streamType,
        IReadOnlyList<NewEvent> events,
        AppendMetadata metadata,
        CancellationToken cancellationToken = default) =>
        AppendAsync(streamId, streamType, ExpectedVersion.NoStream, events, metadata, cancellationToken);

    /// <summary>
    /// Appends all events atomically in one round trip. <see cref="ConcurrencyException"/> when the stream is not at
    /// <paramref name="expectedVersion"/>; nothing is written then.
    /// </summary>
    public async Task<AppendResult> AppendAsync(
        Guid streamId,
        string streamType,
        ExpectedVersion expectedVersion,
        IReadOnlyList<NewEvent> events,
        AppendMetadata metadata,
        CancellationToken cancellationToken = default)
    {
        var append = PendingAppend.Prepare(registry, streamId, streamType, expectedVersion, events, metadata);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = append.CreateCommand(connection, transaction: null);
        return await append.ExecuteAsync(command, cancellationToken);
    }

    /// <summary>
    /// Appends inside the caller's transaction, so that read models can change in the same commit. The positions
    /// returned become visible when the caller commits; a failed append leaves the transaction aborted.
    /// Expects READ COMMITTED, PostgreSQL's default.
    /// </summary>
    public async Task<AppendResult> AppendAsync(
        NpgsqlTransaction transaction,
        Guid streamId,
        string streamType,
        ExpectedVersion expectedVersion,
        IReadOnlyList<NewEvent> events,
        AppendMetadata metadata,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var connection = transaction.Connection ?? throw new ArgumentException("The transaction has already completed.", nameof(transaction));
        var append = PendingAppend.Prepare(registry, streamId, streamType, expectedVersion, events, metadata);
        await using var command = append.CreateCommand(connection, transaction);
        return await append.ExecuteAsync(command, cancellationToken);
    }

    /// <summary>
    /// The stream in version order: all of it, up to <paramref name="toVersion"/>, and/or as it stood at
    /// <paramref name="recordedAtOrBefore"/> (events recorded at or before that moment); only the events after
    /// <paramref name="afterVersion"/>, for a reader that holds the stream up to that version.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(
        Guid streamId,
        long? toVersion = null,
        DateTimeOffset? recordedAtOrBefore = null,
        long afterVersion = 0,
        CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            select {StoredEventRow.Columns}
              from ledger.events
             where stream_id = $1
               and version > $4
               and ($2::bigint is null or version <= $2)
               and ($3::timestamptz is null or recorded_at <= $3)
             order by version
            """);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = streamId });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)toVersion ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)recordedAtOrBefore?.UtcDateTime ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = afterVersion });
        return await ReadEventsAsync(command, cancellationToken);
    }

    /// <summary>Every event of <paramref name="streamIds"/>, ordered by stream and version, in one round trip.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(IReadOnlyCollection<Guid> streamIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        if (streamIds.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(StoredEventRow.StreamsSql);
        StoredEventRow.AddStreamsParameters(command.Parameters, streamIds, long.MaxValue);
        return await ReadEventsAsync(command, cancellationToken);
    }

    /// <summary>
    /// A page of the global feed: up to <paramref name="limit"/> committed events with a sequence above
    /// <paramref name="afterSequence"/>, in sequence order. Sequences have holes (rolled-back appends); pass the last
    /// sequence of a page to get the next one.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var command = dataSource.CreateCommand($"""
            select {StoredEventRow.Columns}
              from ledger.events
             where sequence > $1
             order by sequence
             limit $2
            """);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = afterSequence });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = limit });
        return await ReadEventsAsync(command, cancellationToken);
    }

    /// <summary>
    /// The events with these global sequences, ordered by stream and version, in one round trip: for read models that
    /// keep only where their events are instead of copies of them.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand($"""
            select {StoredEventRow.Columns}
              from ledger.events
             where sequence = any($1)
             order by stream_id, version
            """);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = sequences.ToArray() });
        return await ReadEventsAsync(command, cancellationToken);
    }

    /// <summary>The stream's row, or null when no event was ever appended to it.</summary>
    public async Task<StreamState?> GetStreamStateAsync(Guid streamId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select type, version, created, updated, archived
              from ledger.streams
             where id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = streamId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StreamState(
                streamId,
                Type: reader.GetString(0),
                Version: reader.GetInt64(1),
                Created: reader.GetFieldValue<DateTimeOffset>(2),
                Updated: reader.GetFieldValue<DateTimeOffset>(3),
                Archived: reader.GetBoolean(4))
            : null;
    }

    /// <summary>Recomputes one stream's hash chain from its stored rows and checks it against the stream's recorded version.</summary>
    public Task<VerificationResult> VerifyStreamAsync(Guid streamId, CancellationToken cancellationToken = default) =>
        VerifyAsync(
            "select id, version from ledger.streams where id = $1",
            $"select {StoredEventRow.Columns} from ledger.events where stream_id = $1 order by sequence",
            streamId,
            cancellationToken);

    /// <summary>Recomputes every stream's hash chain in one pass over the events in sequence order.</summary>
    public Task<VerificationResult> VerifyAllAsync(CancellationToken cancellationToken = default) =>
        VerifyAsync(
            "select id, version from ledger.streams",
            $"select {StoredEventRow.Columns} from ledger.events order by sequence",
            streamId: null,
            cancellationToken);

    private async Task<VerificationResult> VerifyAsync(string streamsSql, string eventsSql, Guid? streamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for both queries, so an append committing in between cannot look like a cut tail.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { new NpgsqlBatchCommand(streamsSql), new NpgsqlBatchCommand(eventsSql) },
        };
        if (streamId is { } id)
        {
            foreach (var batchCommand in batch.BatchCommands)
            {
                batchCommand.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = id });
            }
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var recordedVersions = new Dictionary<Guid, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            recordedVersions.Add(reader.GetGuid(0), reader.GetInt64(1));
        }

        await reader.NextResultAsync(cancellationToken);
        using var verifier = new ChainVerifier(recordedVersions);
        while (await reader.ReadAsync(cancellationToken))
        {
            verifier.Check(StoredEventRow.Read(reader));
        }

        return verifier.Finish();
    }

    private Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken cancellationToken) =>
        StoredEventRow.ReadRecordedEventsAsync(command, registry, decodeOnUse: false, cancellationToken);
}
