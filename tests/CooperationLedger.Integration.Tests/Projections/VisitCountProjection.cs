using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.Integration.Tests.Projections;

/// <summary>
/// A small projection for engine tests: per stream, how many visits and attendees it saw, plus a log with one row
/// per application of an event, so that a test can tell an event applied twice from one applied once. A visit by the
/// organisation <see cref="PoisonOrganisation"/> makes it throw.
/// </summary>
public sealed class VisitCountProjection(string name, ProjectionMode mode, PoisonEventPolicy onPoisonEvent = PoisonEventPolicy.Stop) : IProjection
{
    public const string PoisonOrganisation = "Poison Pill Institute";

    public string Name => name;

    public ProjectionMode Mode => mode;

    public PoisonEventPolicy OnPoisonEvent => onPoisonEvent;

    public int Version { get; init; } = 1;

    /// <summary>Runs before each apply; tests use it to hold a generation back.</summary>
    public Func<ProjectionContext, CancellationToken, Task>? BeforeApply { get; init; }

    public async Task CreateStorageAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            create table {context.TableName("streams")} (
                stream_id uuid primary key,
                visits integer not null,
                attendees bigint not null,
                last_sequence bigint not null,
                version bigint not null
            );
            create table {context.TableName("applied")} (
                sequence bigint not null,
                stream_id uuid not null
            );
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        if (BeforeApply is { } hook)
        {
            await hook(context, cancellationToken);
        }

        var visits = events.Where(recorded => recorded.Data is VisitHeld).ToList();
        if (visits.FirstOrDefault(recorded => ((VisitHeld)recorded.Data).Organisation == PoisonOrganisation) is { } poison)
        {
            throw new InvalidOperationException($"Cannot count a visit by {PoisonOrganisation} (sequence {poison.Sequence}).");
        }

        var perStream = visits
            .GroupBy(recorded => recorded.StreamId)
            .Select(group => (
                StreamId: group.Key,
                Visits: group.Count(),
                Attendees: group.Sum(recorded => (long)((VisitHeld)recorded.Data).Attendees),
                LastSequence: group.Max(recorded => recorded.Sequence),
                Version: group.Max(recorded => recorded.Version)))
            .ToList();
        var log = new NpgsqlBatchCommand($"""
            insert into {context.TableName("applied")} (sequence, stream_id)
            select * from unnest($1::bigint[], $2::uuid[])
            """)
        {
            Parameters =
            {
                new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = visits.Select(recorded => recorded.Sequence).ToArray() },
                new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = visits.Select(recorded => recorded.StreamId).ToArray() },
            },
        };
        var totals = new NpgsqlBatchCommand($"""
            insert into {context.TableName("streams")} as s (stream_id, visits, attendees, last_sequence, version)
            select * from unnest($1::uuid[], $2::int[], $3::bigint[], $4::bigint[], $5::bigint[])
            on conflict (stream_id) do update
               set visits = s.visits + excluded.visits,
                   attendees = s.attendees + excluded.attendees,
                   last_sequence = excluded.last_sequence,
                   version = excluded.version
            """)
        {
            Parameters =
            {
                new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = perStream.Select(stream => stream.StreamId).ToArray() },
                new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = perStream.Select(stream => stream.Visits).ToArray() },
                new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = perStream.Select(stream => stream.Attendees).ToArray() },
                new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = perStream.Select(stream => stream.LastSequence).ToArray() },
                new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = perStream.Select(stream => stream.Version).ToArray() },
            },
        };
        await using var batch = new NpgsqlBatch(context.Connection, context.Transaction) { BatchCommands = { log, totals } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
