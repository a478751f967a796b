using System.Text.Json;
using CooperationLedger.EventStore.Serialization;
using Npgsql;

namespace CooperationLedger.EventStore;

/// <summary>
/// An events row exactly as stored, before any deserialisation: what reads build on and what verification hashes. Its
/// data is null only when it was read with <see cref="ColumnsWithoutData"/> (the column itself is never null).
/// </summary>
internal sealed record StoredEventRow(
    long Sequence,
    Guid EventId,
    Guid StreamId,
    long Version,
    string Type,
    int SchemaVersion,
    string? DataJson,
    OccurredAt OccurredAt,
    DateTime RecordedAtUtc,
    string RecordedBy,
    Guid? CorrelationId,
    Guid? CausationId,
    string? IdempotencyKey,
    string? SourceJson,
    byte[] PrevHash,
    byte[] Hash)
{
    private const string ColumnsBeforeData = "sequence, event_id, stream_id, version, type, schema_version";

    private const string ColumnsBetweenDataAndSource = """
        occurred_at, occurred_at_is_date, occurred_at_offset_minutes,
        recorded_at, recorded_by, correlation_id, causation_id, idempotency_key
        """;

    private const string ColumnsAfterSource = "prev_hash, hash";

    /// <summary>The select list <see cref="Read"/> expects, in order.</summary>
    public const string Columns = $"{ColumnsBeforeData}, data, {ColumnsBetweenDataAndSource}, source, {ColumnsAfterSource}";

    /// <summary>
    /// <see cref="Columns"/> with null in place of the data and the source, for readers that use neither: PostgreSQL
    /// then neither prints the two documents as text nor sends them (<see cref="Projections.IProjection.ReadsEventData"/>).
    /// </summary>
    public const string ColumnsWithoutData = $"{ColumnsBeforeData}, null::jsonb, {ColumnsBetweenDataAndSource}, null::jsonb, {ColumnsAfterSource}";

    /// <summary>
    /// Every event of some streams up to a global sequence, by stream and version; parameters from
    /// <see cref="AddStreamsParameters"/>.
    /// </summary>
    public const string StreamsSql = $"""
        select {Columns}
          from ledger.events
         where stream_id = any($1) and sequence <= $2
         order by stream_id, version
        """;

    public static void AddStreamsParameters(NpgsqlParameterCollection parameters, IReadOnlyCollection<Guid> streamIds, long throughSequence)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(streamIds);
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid, Value = streamIds.ToArray() });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = throughSequence });
    }

    public static StoredEventRow Read(NpgsqlDataReader reader) => new(
        Sequence: reader.GetInt64(0),
        EventId: reader.GetGuid(1),
        StreamId: reader.GetGuid(2),
        Version: reader.GetInt64(3),
        Type: reader.GetString(4),
        SchemaVersion: reader.GetInt32(5),
        DataJson: reader.IsDBNull(6) ? null : reader.GetString(6),
        OccurredAt: OccurredAt.FromStored(reader.GetFieldValue<DateTime>(7), reader.GetBoolean(8), reader.IsDBNull(9) ? null : reader.GetInt16(9)),
        RecordedAtUtc: reader.GetFieldValue<DateTime>(10),
        RecordedBy: reader.GetString(11),
        CorrelationId: reader.IsDBNull(12) ? null : reader.GetGuid(12),
        CausationId: reader.IsDBNull(13) ? null : reader.GetGuid(13),
        IdempotencyKey: reader.IsDBNull(14) ? null : reader.GetString(14),
        SourceJson: reader.IsDBNull(15) ? null : reader.GetString(15),
        PrevHash: reader.GetFieldValue<byte[]>(16),
        Hash: reader.GetFieldValue<byte[]>(17));

    /// <summary>Runs <paramref name="command"/> (selecting <see cref="Columns"/>) and turns every row into a <see cref="RecordedEvent"/>.</summary>
    public static async Task<IReadOnlyList<RecordedEvent>> ReadRecordedEventsAsync(
        NpgsqlCommand command, EventTypeRegistry registry, bool decodeOnUse, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadRecordedEventsAsync(reader, registry, decodeOnUse, cancellationToken);
    }

    /// <summary>Every row of the result set <paramref name="reader"/> stands on (selecting <see cref="Columns"/>) as a <see cref="RecordedEvent"/>.</summary>
    /// <param name="decodeOnUse">Whether the data and source are decoded when first read (events for projections) rather than at once.</param>
    public static async Task<IReadOnlyList<RecordedEvent>> ReadRecordedEventsAsync(
        NpgsqlDataReader reader, EventTypeRegistry registry, bool decodeOnUse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var events = new List<RecordedEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new RecordedEvent(Read(reader), registry, decodeOnUse));
        }

        return events;
    }

    /// <exception cref="UnreadableEventException">Names the row's sequence.</exception>
    public object DecodeData(EventTypeRegistry registry) => registry.Deserialize(Sequence, Type, SchemaVersion, DataJson ?? throw DataNotRead());

    /// <summary>What reading the data or the source of a row read with <see cref="ColumnsWithoutData"/> throws.</summary>
    public InvalidOperationException DataNotRead() => new(
        $"Event {Sequence}'s data and source were not read: it was handed to a projection that declares it reads no event data (IProjection.ReadsEventData).");

    /// <exception cref="UnreadableEventException">Names the row's sequence.</exception>
    public EventSource? DecodeSource()
    {
        if (SourceJson is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(SourceJson, StoreJsonContext.Default.EventSource)
                ?? throw new UnreadableEventException(Sequence, "its source is JSON null.");
        }
        catch (JsonException exception)
        {
            throw new UnreadableEventException(Sequence, $"its source does not fit {{kind, title, url, publishedOn}}: {exception.Message}", exception);
        }
    }
}
