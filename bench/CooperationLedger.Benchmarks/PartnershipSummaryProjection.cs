using System.Text.Json;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;
using DomainOccurredAt = CooperationLedger.Domain.OccurredAt;

namespace CooperationLedger.Benchmarks;

/// <summary>
/// The partnership summary read model as a benchmark would meet it in production: the domain's
/// <see cref="PartnershipState"/> fold and <see cref="PartnershipSummary"/>, one row per partnership with filter
/// columns and the summary as jsonb, written with one multi-row upsert per batch.
/// </summary>
/// <remarks>
/// Folding is incremental: a state is kept per stream with the version it reflects, which is a pure function of the
/// stream's first events, so a cached state stays right whatever transaction rolled back. An entry that arrives out of
/// occurred order or is a correction (or a stream not in the cache) makes the stream fold again from its full
/// history, as the domain requires; those histories are read once per batch, in one round trip.
/// </remarks>
internal sealed class PartnershipSummaryProjection(ProjectionMode mode) : IProjection
{
    private const int MaximumCachedStreams = 200_000;

    /// <summary>Per generation: a rebuild folds from version 1 while the live generation is at the head.</summary>
    private readonly Dictionary<long, Dictionary<Guid, FoldedStream>> foldedByGeneration = [];

    public string Name => "partnership-summaries";

    public ProjectionMode Mode => mode;

    public PoisonEventPolicy OnPoisonEvent => PoisonEventPolicy.Skip;

    /// <summary>Time spent in <see cref="ApplyAsync"/>: folding, serialising and writing, not reading the feed.</summary>
    public TimeSpan ApplyTime { get; private set; }

    /// <summary>Streams that had to be folded again from their history (corrections, late entries, cache misses).</summary>
    public long Refolds { get; private set; }

    public async Task CreateStorageAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            create table {context.TableName("summaries")} (
                id uuid primary key,
                title text not null,
                stage text not null,
                version bigint not null,
                last_sequence bigint not null,
                visit_count integer not null,
                last_activity date,
                next_expiry date,
                document jsonb not null
            )
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await FoldAndWriteAsync(context, events, cancellationToken);
        }
        finally
        {
            ApplyTime += System.Diagnostics.Stopwatch.GetElapsedTime(started);
        }
    }

    private async Task FoldAndWriteAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        if (!foldedByGeneration.TryGetValue(context.Generation, out var folded))
        {
            foldedByGeneration[context.Generation] = folded = [];
            // A rebuild writes the generation after the one readers use; anything older has been swapped out.
            foreach (var retired in foldedByGeneration.Keys.Where(generation => generation < context.Generation - 1).ToList())
            {
                foldedByGeneration.Remove(retired);
            }
        }

        var touched = new Dictionary<Guid, FoldedStream>();
        var toRefold = new HashSet<Guid>();
        foreach (var recorded in events)
        {
            if (recorded.Data is not PartnershipEvent || toRefold.Contains(recorded.StreamId))
            {
                continue;
            }

            var previous = touched.GetValueOrDefault(recorded.StreamId) ?? folded.GetValueOrDefault(recorded.StreamId);
            if (Evolved(previous, recorded) is { } evolved)
            {
                touched[recorded.StreamId] = evolved;
            }
            else
            {
                toRefold.Add(recorded.StreamId);
            }
        }

        if (toRefold.Count > 0)
        {
            Refolds += toRefold.Count;
            var histories = await context.ReadStreamsAsync(toRefold, events[^1].Sequence, cancellationToken);
            foreach (var history in histories.GroupBy(recorded => recorded.StreamId))
            {
                var entries = history.Select(ToEntry).ToList();
                touched[history.Key] = new FoldedStream(PartnershipState.From(entries), entries[^1].Version, entries[^1].Sequence, entries.Max(entry => entry.OccurredAt));
            }
        }

        if (foldedByGeneration.Values.Sum(streams => streams.Count) + touched.Count > MaximumCachedStreams)
        {
            foreach (var streams in foldedByGeneration.Values)
            {
                streams.Clear();
            }
        }

        foreach (var (streamId, stream) in touched)
        {
            folded[streamId] = stream;
        }

        await WriteAsync(context, touched, cancellationToken);
    }

    /// <summary>The stream one event further, or null when it has to be folded again from its history.</summary>
    private static FoldedStream? Evolved(FoldedStream? previous, RecordedEvent recorded)
    {
        var entry = ToEntry(recorded);
        if (recorded.Version == 1)
        {
            return new FoldedStream(PartnershipState.Evolve(PartnershipState.Empty, entry), 1, recorded.Sequence, entry.OccurredAt);
        }

        return previous is not null && previous.Version == recorded.Version - 1 && entry.Event is not EntryCorrected && entry.OccurredAt >= previous.Latest
            ? new FoldedStream(PartnershipState.Evolve(previous.State, entry), recorded.Version, recorded.Sequence, entry.OccurredAt)
            : null;
    }

    private static async Task WriteAsync(ProjectionContext context, Dictionary<Guid, FoldedStream> touched, CancellationToken cancellationToken)
    {
        if (touched.Count == 0)
        {
            return;
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var rows = touched.Select(pair =>
        {
            var summary = PartnershipSummary.Create(pair.Key, pair.Value.State, today) with { Version = pair.Value.Version };
            return (Id: pair.Key, Summary: summary, pair.Value.Sequence);
        }).ToList();
        await using var command = context.CreateCommand($"""
            insert into {context.TableName("summaries")} as s (id, title, stage, version, last_sequence, visit_count, last_activity, next_expiry, document)
            select * from unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::int[], $7::date[], $8::date[], $9::jsonb[])
            on conflict (id) do update
               set title = excluded.title, stage = excluded.stage, version = excluded.version, last_sequence = excluded.last_sequence,
                   visit_count = excluded.visit_count, last_activity = excluded.last_activity, next_expiry = excluded.next_expiry,
                   document = excluded.document
             where s.version < excluded.version
            """);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = rows.Select(row => row.Id).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(row => row.Summary.Title).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(row => row.Summary.Stage.ToString()).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = rows.Select(row => row.Summary.Version).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = rows.Select(row => row.Sequence).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = rows.Select(row => row.Summary.VisitCount).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date, Value = rows.Select(row => row.Summary.LastActivityOn).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date, Value = rows.Select(row => row.Summary.NextExpiry).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = rows.Select(row => JsonSerializer.Serialize(row.Summary, DomainJsonContext.Default.PartnershipSummary)).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The domain's view of a stored event. The benchmark's events carry no sources.</summary>
    public static RecordedEntry ToEntry(RecordedEvent recorded) => new(
        recorded.EventId,
        recorded.Sequence,
        recorded.Version,
        recorded.OccurredAt.IsDate ? DomainOccurredAt.OnDate(recorded.OccurredAt.Date) : DomainOccurredAt.At(recorded.OccurredAt.ToDateTimeOffset()),
        recorded.RecordedAt,
        recorded.RecordedBy,
        Source: null,
        (PartnershipEvent)recorded.Data);

    /// <param name="Latest">The latest occurred time folded so far: an entry before it cannot simply be evolved on top.</param>
    private sealed record FoldedStream(PartnershipState State, long Version, long Sequence, DomainOccurredAt Latest);
}
