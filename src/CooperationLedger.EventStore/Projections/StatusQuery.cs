using System.Globalization;
using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>Reads checkpoints, leaders and lag in one round trip and turns them into <see cref="ProjectionStatus"/>.</summary>
internal static class StatusQuery
{
    private static readonly string CheckpointsSql = string.Create(CultureInfo.InvariantCulture, $"""
        select {ProjectionCheckpoint.Columns},
               exists (select 1 from pg_locks l
                        where l.locktype = 'advisory' and l.granted and l.objsubid = 1
                          and l.classid = {ProjectionLocks.LeaderClassId} and l.objid::bigint = p.object_id
                          and l.database = (select oid from pg_database where datname = current_database())),
               case when mode = 'async'
                    then coalesce((select extract(epoch from clock_timestamp() - e.recorded_at)::float8
                                     from ledger.events e where e.sequence > position order by e.sequence limit 1), 0)
                    else 0 end,
               coalesce(extract(epoch from clock_timestamp() - rebuild_started)::float8, 0)
          from ledger.projection_checkpoints
          join unnest($1::text[], $2::bigint[]) as p(projection_name, object_id) on p.projection_name = name
        """);

    public static async Task<Snapshot> ReadAsync(NpgsqlDataSource dataSource, IReadOnlyList<IProjection> projections, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(FeedFrontier.LastIssuedSql),
                new NpgsqlBatchCommand(CheckpointsSql)
                {
                    Parameters =
                    {
                        new() { Value = projections.Select(projection => projection.Name).ToArray() },
                        new() { Value = projections.Select(projection => (long)ProjectionLocks.ObjectId(projection.Name)).ToArray() },
                    },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var head = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var checkpoint = ProjectionCheckpoint.Read(reader);
            rows[checkpoint.Name] = new Row(checkpoint, HasLeader: reader.GetBoolean(13), LagSeconds: reader.GetDouble(14), RebuildSeconds: reader.GetDouble(15));
        }

        return new Snapshot(head, rows);
    }

    public static ProjectionStatus StatusOf(IProjection projection, Snapshot snapshot)
    {
        var head = snapshot.Head;
        if (projection.Mode == ProjectionMode.Live)
        {
            return new ProjectionStatus(projection.Name, projection.Mode, ProjectionState.Running, head, head, 0, 0, null, null);
        }

        if (!snapshot.Rows.TryGetValue(projection.Name, out var row))
        {
            return new ProjectionStatus(projection.Name, projection.Mode, ProjectionState.Stopped, 0, head, head, 0, "No storage yet: the engine's EnsureStorageAsync has not run.", null);
        }

        var checkpoint = row.Checkpoint;
        var state = checkpoint switch
        {
            { State: ProjectionCheckpoint.Failed } => ProjectionState.Failed,
            { State: ProjectionCheckpoint.Stopped } => ProjectionState.Stopped,
            { Rebuild: not null } => ProjectionState.Rebuilding,
            _ when projection.Mode == ProjectionMode.Async && !row.HasLeader => ProjectionState.Stopped,
            _ => ProjectionState.Running,
        };
        // An inline projection is never behind: every append through the engine updated it before committing.
        var position = projection.Mode == ProjectionMode.Inline ? head : checkpoint.Position;
        return new ProjectionStatus(
            projection.Name,
            projection.Mode,
            state,
            position,
            head,
            LagEvents: Math.Max(0, head - position),
            LagSeconds: row.LagSeconds,
            checkpoint.LastError,
            checkpoint.Rebuild is { } rebuild ? Progress(rebuild, head, row.RebuildSeconds) : null);
    }

    /// <remarks>
    /// What remains is counted in sequence numbers from the rebuild's position to the head, which avoids counting
    /// rows; holes left by rolled-back appends make it a slight overestimate.
    /// </remarks>
    private static RebuildProgress Progress(RebuildCheckpoint rebuild, long head, double elapsedSeconds)
    {
        var remaining = Math.Max(0, head - rebuild.Position);
        var rate = elapsedSeconds > 0 ? rebuild.EventsDone / elapsedSeconds : 0;
        TimeSpan? eta = remaining == 0 ? TimeSpan.Zero : rate > 0 ? TimeSpan.FromSeconds(remaining / rate) : null;
        return new RebuildProgress(rebuild.EventsDone, rebuild.EventsDone + remaining, rate, eta);
    }

    public sealed record Snapshot(long Head, IReadOnlyDictionary<string, Row> Rows);

    public sealed record Row(ProjectionCheckpoint Checkpoint, bool HasLeader, double LagSeconds, double RebuildSeconds);
}
