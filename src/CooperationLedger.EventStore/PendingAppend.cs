using System.Buffers;
using System.Text.Json;
using System.Text.RegularExpressions;
using CooperationLedger.EventStore.Serialization;
using CooperationLedger.EventStore.TamperEvidence;
using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.EventStore;

/// <summary>
/// An append made ready on the client: validated, serialised, canonicalised and digested, so that nothing reaches the
/// database unless every event can be stored, and the database does the rest in one call of ledger.append_events.
/// </summary>
internal sealed partial class PendingAppend
{
    private const string AppendSql = """
        select event_id, sequence, version, hash, recorded_at, was_duplicate
          from ledger.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
        """;

    private const string PlannedAppendSql = """
        select event_id, sequence, version, hash, recorded_at, was_duplicate
          from ledger.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
        """;

    private const string GroupSql = """
        select event_id, sequence, version, hash, recorded_at
          from ledger.append_group($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
        """;

    private const string SingleEventsGroupSql = """
        select event_id, sequence, version, hash, recorded_at
          from ledger.append_single_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
        """;

    /// <summary>
    /// The buffers and hash state the last <see cref="Prepare"/> on this thread used: preparing runs on one thread
    /// from start to end, and making them afresh for every append cost a hash context and three buffers each time.
    /// </summary>
    [ThreadStatic]
    private static PreparingBuffers? preparing;

    private readonly Guid streamId;
    private readonly string streamType;
    private readonly ExpectedVersion expectedVersion;
    private readonly AppendMetadata metadata;
    private readonly Guid[] eventIds;
    private readonly string[] types;
    private readonly int[] schemaVersions;
    private readonly byte[][] data;
    private readonly DateTime[] occurredAt;
    private readonly bool[] occurredAtIsDate;
    private readonly short?[] occurredAtOffsetMinutes;
    private readonly byte[]?[] sources;
    private readonly byte[][] bodyDigests;

    private PendingAppend(Guid streamId, string streamType, ExpectedVersion expectedVersion, AppendMetadata metadata, int count)
    {
        this.streamId = streamId;
        this.streamType = streamType;
        this.expectedVersion = expectedVersion;
        this.metadata = metadata;
        eventIds = new Guid[count];
        types = new string[count];
        schemaVersions = new int[count];
        data = new byte[count][];
        occurredAt = new DateTime[count];
        occurredAtIsDate = new bool[count];
        occurredAtOffsetMinutes = new short?[count];
        sources = new byte[]?[count];
        bodyDigests = new byte[count][];
    }

    public static PendingAppend Prepare(
        EventTypeRegistry registry,
        Guid streamId,
        string streamType,
        ExpectedVersion expectedVersion,
        IReadOnlyList<NewEvent> events,
        AppendMetadata metadata)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamType);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentException.ThrowIfNullOrWhiteSpace(metadata.RecordedBy, nameof(metadata));
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }

        if (metadata.IdempotencyKey is { Length: 0 })
        {
            throw new ArgumentException("An idempotency key, when given, must not be empty.", nameof(metadata));
        }

        var append = new PendingAppend(streamId, streamType, expectedVersion, metadata, events.Count);
        var buffers = preparing ?? new PreparingBuffers();
        preparing = null;
        for (var index = 0; index < events.Count; index++)
        {
            append.Add(index, events[index], registry, buffers.Hasher, buffers.CanonicalData, buffers.CanonicalSource);
        }

        if (buffers.CanonicalData.Capacity <= PreparingBuffers.KeptCapacity && buffers.CanonicalSource.Capacity <= PreparingBuffers.KeptCapacity)
        {
            preparing = buffers;
        }
        else
        {
            buffers.Hasher.Dispose();
        }

        return append;
    }

    public Guid StreamId => streamId;

    public IReadOnlyList<Guid> EventIds => eventIds;

    /// <summary>The version the stream must be at before this append (0: the append starts it), or null when any will do.</summary>
    public long? PreviousVersion => expectedVersion.StreamMustNotExist ? 0 : expectedVersion.Version;

    /// <summary>One event to a stream that exists, at a known version, without an idempotency key: the group ledger.append_single_events takes.</summary>
    public bool IsSingleEventToExistingStream => eventIds.Length == 1 && PreviousVersion > 0 && metadata.IdempotencyKey is null;

    public NpgsqlCommand CreateCommand(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        var command = new NpgsqlCommand(AppendSql, connection, transaction);
        AddParameters(command.Parameters);
        return command;
    }

    public NpgsqlBatchCommand CreateBatchCommand()
    {
        var command = new NpgsqlBatchCommand(AppendSql);
        AddParameters(command.Parameters);
        return command;
    }

    /// <summary>The append, refused unless what a planned inline append was planned on still holds (<see cref="InlinePlanPremises"/>).</summary>
    public NpgsqlBatchCommand CreateBatchCommand(InlinePlanPremises premises)
    {
        var command = new NpgsqlBatchCommand(PlannedAppendSql);
        AddParameters(command.Parameters);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = premises.LockKeys });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = premises.Projections });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = premises.Generations });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)premises.PreviousHash ?? DBNull.Value });
        return command;
    }

    /// <summary>
    /// Several planned appends to distinct streams as one call of ledger.append_group (migration 0005), refused as a
    /// whole unless every premise holds: the inline generations, each append's expected version and, where given,
    /// the hash its plans were built on. Every append must expect a version and carry no idempotency key.
    /// </summary>
    /// <remarks>
    /// When every append is <see cref="IsSingleEventToExistingStream"/>, the group goes to ledger.append_single_events
    /// (migration 0008), which takes the same arrays less the event counts and refuses a group as a whole (LD007).
    /// </remarks>
    public static NpgsqlBatchCommand CreateGroupCommand(IReadOnlyList<PendingAppend> appends, IReadOnlyList<byte[]?> builtOnHashes, long[] lockKeys, string[] projections, long[] generations)
    {
        ArgumentNullException.ThrowIfNull(appends);
        ArgumentNullException.ThrowIfNull(builtOnHashes);
        var events = appends.Sum(append => append.eventIds.Length);
        var eventIds = new Guid[events];
        var types = new string[events];
        var schemaVersions = new int[events];
        var data = new byte[events][];
        var occurredAt = new DateTime[events];
        var occurredAtIsDate = new bool[events];
        var occurredAtOffsetMinutes = new short?[events];
        var sources = new byte[]?[events];
        var bodyDigests = new byte[events][];
        var recordedBy = new string[events];
        var correlationIds = new Guid?[events];
        var causationIds = new Guid?[events];
        var at = 0;
        foreach (var append in appends)
        {
            if (append.metadata.IdempotencyKey is not null || append.PreviousVersion is null)
            {
                throw new InvalidOperationException("An append in a group must expect a version and have no idempotency key.");
            }

            var count = append.eventIds.Length;
            append.eventIds.CopyTo(eventIds, at);
            append.types.CopyTo(types, at);
            append.schemaVersions.CopyTo(schemaVersions, at);
            append.data.CopyTo(data, at);
            append.occurredAt.CopyTo(occurredAt, at);
            append.occurredAtIsDate.CopyTo(occurredAtIsDate, at);
            append.occurredAtOffsetMinutes.CopyTo(occurredAtOffsetMinutes, at);
            append.sources.CopyTo(sources, at);
            append.bodyDigests.CopyTo(bodyDigests, at);
            Array.Fill(recordedBy, append.metadata.RecordedBy, at, count);
            Array.Fill(correlationIds, append.metadata.CorrelationId, at, count);
            Array.Fill(causationIds, append.metadata.CausationId, at, count);
            at += count;
        }

        var singleEvents = appends.All(append => append.IsSingleEventToExistingStream);
        var command = new NpgsqlBatchCommand(singleEvents ? SingleEventsGroupSql : GroupSql)
        {
            Parameters =
            {
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = lockKeys },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = projections },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = generations },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = appends.Select(append => append.streamId).ToArray() },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = appends.Select(append => append.streamType).ToArray() },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = appends.Select(append => append.PreviousVersion!.Value).ToArray() },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = builtOnHashes.ToArray() },
            },
        };
        if (!singleEvents)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = appends.Select(append => append.eventIds.Length).ToArray() });
        }

        AddEventParameters(command.Parameters, eventIds, types, schemaVersions, data, occurredAt, occurredAtIsDate, occurredAtOffsetMinutes, sources, bodyDigests);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = recordedBy });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = correlationIds });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = causationIds });
        return command;
    }

    /// <summary>The result set of <see cref="CreateGroupCommand"/>, where the reader stands on it: one result per append, in the order given.</summary>
    public static async Task<AppendResult[]> ReadGroupResultAsync(NpgsqlDataReader reader, IReadOnlyList<PendingAppend> appends, CancellationToken cancellationToken)
    {
        var appendOf = new Dictionary<Guid, int>();
        var appended = new List<AppendedEvent>[appends.Count];
        for (var index = 0; index < appends.Count; index++)
        {
            appended[index] = new List<AppendedEvent>(appends[index].eventIds.Length);
            foreach (var eventId in appends[index].eventIds)
            {
                appendOf.Add(eventId, index);
            }
        }

        while (await reader.ReadAsync(cancellationToken))
        {
            var stored = new AppendedEvent(
                EventId: reader.GetGuid(0),
                Sequence: reader.GetInt64(1),
                Version: reader.GetInt64(2),
                Hash: reader.GetFieldValue<byte[]>(3),
                RecordedAt: reader.GetFieldValue<DateTimeOffset>(4));
            appended[appendOf[stored.EventId]].Add(stored);
        }

        var results = new AppendResult[appends.Count];
        for (var index = 0; index < appends.Count; index++)
        {
            appended[index].Sort(static (left, right) => left.Version.CompareTo(right.Version));
            results[index] = appended[index].Count == appends[index].eventIds.Length
                ? new AppendResult(appends[index].streamId, WasDuplicate: false, appended[index])
                : throw new InvalidOperationException($"The group stored {appended[index].Count} of the {appends[index].eventIds.Length} events appended to stream {appends[index].streamId}.");
        }

        return results;
    }

    /// <summary>
    /// Reads back the events this append wrote, by their ids, in the same batch as the append: a failed append stops
    /// the batch before it, and a duplicate (an earlier append's events have other ids) reads nothing.
    /// </summary>
    public NpgsqlBatchCommand CreateReadBackCommand() =>
        new($"""
            select {StoredEventRow.Columns}
              from ledger.events
             where stream_id = $1 and event_id = any($2)
             order by version
            """)
        {
            Parameters =
            {
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = streamId },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = eventIds },
            },
        };

    private void AddParameters(NpgsqlParameterCollection parameters)
    {
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = streamId });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = streamType });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)expectedVersion.Version ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = expectedVersion.StreamMustNotExist });
        AddEventParameters(parameters, eventIds, types, schemaVersions, data, occurredAt, occurredAtIsDate, occurredAtOffsetMinutes, sources, bodyDigests);
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = metadata.RecordedBy });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)metadata.CorrelationId ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)metadata.CausationId ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)metadata.IdempotencyKey ?? DBNull.Value });
    }

    /// <summary>The per-event arrays, in the order both ledger.append_events and ledger.append_group take them.</summary>
    private static void AddEventParameters(
        NpgsqlParameterCollection parameters,
        Guid[] eventIds,
        string[] types,
        int[] schemaVersions,
        byte[][] data,
        DateTime[] occurredAt,
        bool[] occurredAtIsDate,
        short?[] occurredAtOffsetMinutes,
        byte[]?[] sources,
        byte[][] bodyDigests)
    {
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = eventIds });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = types });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = schemaVersions });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = data });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = occurredAt });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean, Value = occurredAtIsDate });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint, Value = occurredAtOffsetMinutes });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = sources });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = bodyDigests });
    }

    public async Task<AppendResult> ExecuteAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await ReadResultAsync(reader, cancellationToken);
        }
        catch (PostgresException exception) when (Translate(exception) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The result set of <see cref="CreateCommand"/> or <see cref="CreateBatchCommand"/>, where the reader stands on it.</summary>
    public async Task<AppendResult> ReadResultAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var appended = new List<AppendedEvent>(eventIds.Length);
        var wasDuplicate = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            appended.Add(new AppendedEvent(
                EventId: reader.GetGuid(0),
                Sequence: reader.GetInt64(1),
                Version: reader.GetInt64(2),
                Hash: reader.GetFieldValue<byte[]>(3),
                RecordedAt: reader.GetFieldValue<DateTimeOffset>(4)));
            wasDuplicate = reader.GetBoolean(5);
        }

        appended.Sort(static (left, right) => left.Version.CompareTo(right.Version));
        return new AppendResult(streamId, wasDuplicate, appended);
    }

    /// <summary>The store's own exception for an append the database refused, or null for any other failure.</summary>
    public Exception? Translate(PostgresException exception) => exception.SqlState switch
    {
        LedgerSqlStates.VersionConflict => new ConcurrencyException(streamId, expectedVersion.Version ?? 0, ParseActualVersion(exception.MessageText), exception),
        LedgerSqlStates.StreamAlreadyExists => new StreamAlreadyExistsException(streamId, exception),
        LedgerSqlStates.StreamTypeMismatch => new StreamTypeMismatchException(streamId, streamType, exception),
        _ => null,
    };

    private static long ParseActualVersion(string message)
    {
        var match = ActualVersionPattern().Match(message);
        return match.Success
            ? long.Parse(match.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"The version conflict message does not state the actual version: {message}");
    }

    private void Add(int index, NewEvent newEvent, EventTypeRegistry registry, EventHasher hasher, ArrayBufferWriter<byte> canonicalData, ArrayBufferWriter<byte> canonicalSource)
    {
        ArgumentNullException.ThrowIfNull(newEvent);
        ArgumentNullException.ThrowIfNull(newEvent.Data);
        var serialized = registry.Serialize(newEvent.Data);
        canonicalData.ResetWrittenCount();
        CanonicalJson.Write(serialized.Utf8Json, canonicalData);
        canonicalSource.ResetWrittenCount();
        if (newEvent.Source is not null)
        {
            CanonicalJson.Write(JsonSerializer.SerializeToUtf8Bytes(newEvent.Source, StoreJsonContext.Default.EventSource), canonicalSource);
        }

        var eventId = newEvent.EventId ?? Guid.CreateVersion7();
        eventIds[index] = eventId;
        types[index] = serialized.Alias;
        schemaVersions[index] = serialized.SchemaVersion;
        data[index] = canonicalData.WrittenSpan.ToArray();
        occurredAt[index] = newEvent.OccurredAt.Instant.UtcDateTime;
        occurredAtIsDate[index] = newEvent.OccurredAt.IsDate;
        occurredAtOffsetMinutes[index] = newEvent.OccurredAt.OffsetMinutes;
        sources[index] = newEvent.Source is null ? null : canonicalSource.WrittenSpan.ToArray();
        bodyDigests[index] = hasher.ComputeBodyDigest(new EventBody
        {
            StreamId = streamId,
            EventId = eventId,
            Type = serialized.Alias,
            SchemaVersion = serialized.SchemaVersion,
            CanonicalData = canonicalData.WrittenSpan,
            OccurredAt = newEvent.OccurredAt,
            RecordedBy = metadata.RecordedBy,
            CanonicalSource = canonicalSource.WrittenSpan,
            CorrelationId = metadata.CorrelationId,
            CausationId = metadata.CausationId,
            IdempotencyKey = metadata.IdempotencyKey,
        });
    }

    [GeneratedRegex(@"actual version (\d+)")]
    private static partial Regex ActualVersionPattern();

    private sealed class PreparingBuffers
    {
        /// <summary>Buffers grown past this by an unusually large event are let go rather than kept for the thread's life.</summary>
        public const int KeptCapacity = 64 * 1024;

        public EventHasher Hasher { get; } = new();

        public ArrayBufferWriter<byte> CanonicalData { get; } = new(1024);

        public ArrayBufferWriter<byte> CanonicalSource { get; } = new(256);
    }
}

/// <summary>
/// What a planned inline append was planned on: the inline projections' generations (held by their shared locks) and,
/// when the plans folded on it, the hash of the stream's event at the expected version.
/// </summary>
internal sealed record InlinePlanPremises(long[] LockKeys, string[] Projections, long[] Generations, byte[]? PreviousHash);
