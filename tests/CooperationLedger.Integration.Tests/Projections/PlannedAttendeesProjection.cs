using System.Collections.Concurrent;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.Integration.Tests.Projections;

/// <summary>
/// A planned inline projection for engine tests: attendees and version per stream. It records which way each append
/// reached it (planned and committed, or applied after the append), so a test can tell the two paths apart. A visit
/// by <see cref="VisitCountProjection.PoisonOrganisation"/> plans a statement the database refuses.
/// </summary>
public sealed class PlannedAttendeesProjection(string name) : IPlannedInlineProjection
{
    public const string TableBaseName = "streams";

    private int plansMade;

    public string Name => name;

    public ProjectionMode Mode => ProjectionMode.Inline;

    public PoisonEventPolicy OnPoisonEvent => PoisonEventPolicy.Stop;

    /// <summary>What each plan claims to be built on; tests use it to claim an event that is not stored.</summary>
    public Func<PlannedAppend, byte[]?> BuiltOn { get; init; } = _ => null;

    public ConcurrentQueue<AppendResult> Committed { get; } = new();

    public ConcurrentQueue<IReadOnlyList<RecordedEvent>> Applied { get; } = new();

    /// <summary>How many plans each call of <see cref="Write"/> wrote: more than one for a combined group.</summary>
    public ConcurrentQueue<int> WrittenGroups { get; } = new();

    public async Task CreateStorageAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            create table {context.TableName(TableBaseName)} (
                stream_id uuid primary key,
                attendees bigint not null,
                version bigint not null
            )
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many appends this projection planned; a planned append waits for its round trip right after.</summary>
    public int PlansMade => Volatile.Read(ref plansMade);

    public InlineAppendPlan? Plan(PlannedAppend append)
    {
        Interlocked.Increment(ref plansMade);
        var visits = append.Events.Select(planned => planned.Data).OfType<VisitHeld>().ToList();
        if (visits.Count != append.Events.Count)
        {
            return null;
        }

        var poisoned = visits.Any(visit => visit.Organisation == VisitCountProjection.PoisonOrganisation);
        return new AttendeesPlan(BuiltOn(append), append.TableName(TableBaseName), append.StreamId, visits.Sum(visit => (long)visit.Attendees), append.PreviousVersion + visits.Count, poisoned, Committed.Enqueue);
    }

    /// <summary>One statement per plan, so that a group's statements fail one by one as a single append's would.</summary>
    public IEnumerable<NpgsqlBatchCommand> Write(IReadOnlyList<InlineAppendPlan> plans)
    {
        WrittenGroups.Enqueue(plans.Count);
        return plans.Cast<AttendeesPlan>().Select(plan => Upsert(plan.Table, plan.StreamId, plan.Attendees, plan.Version, plan.Poisoned));
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        Applied.Enqueue(events);
        foreach (var stream in events.Where(recorded => recorded.Data is VisitHeld).GroupBy(recorded => recorded.StreamId))
        {
            var upsert = Upsert(context.TableName(TableBaseName), stream.Key, stream.Sum(recorded => (long)((VisitHeld)recorded.Data).Attendees), stream.Max(recorded => recorded.Version), poisoned: false);
            await using var batch = new NpgsqlBatch(context.Connection, context.Transaction) { BatchCommands = { upsert } };
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>A stream's row in the active generation; (0, 0) when it has none.</summary>
    public async Task<(long Attendees, long Version)> RowAsync(ProjectionHost host, Guid streamId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        await using var command = host.DataSource.CreateCommand($"select attendees, version from {await host.Engine.ActiveTableAsync(Name, TableBaseName, cancellationToken)} where stream_id = $1");
        command.Parameters.Add(new() { Value = streamId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
    }

    private static NpgsqlBatchCommand Upsert(string table, Guid streamId, long attendees, long version, bool poisoned) =>
        new($"""
            insert into {table} as s (stream_id, attendees, version)
            values ($1, $2 / (case when $4 then 0 else 1 end), $3)
            on conflict (stream_id) do update set attendees = s.attendees + excluded.attendees, version = excluded.version
            """)
        {
            Parameters =
            {
                new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = streamId },
                new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = attendees },
                new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = version },
                new() { NpgsqlDbType = NpgsqlDbType.Boolean, Value = poisoned },
            },
        };

    private sealed record AttendeesPlan(byte[]? BuiltOnHash, string Table, Guid StreamId, long Attendees, long Version, bool Poisoned, Action<AppendResult> Committed)
        : InlineAppendPlan(BuiltOnHash, Committed);
}
