using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// The SQL over <c>ledger.projection_checkpoints</c> and <c>ledger.projection_dead_letters</c>. Every write a leader
/// makes is guarded by the position it read, so a leader that was deposed without noticing changes nothing.
/// </summary>
internal static class CheckpointStore
{
    /// <summary>A command whose parameters' types follow their values; a null is text, the only nullable parameter here.</summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object?[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter is null
                ? new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = DBNull.Value }
                : new NpgsqlParameter { Value = parameter });
        }

        return command;
    }

    public static async Task<List<ProjectionCheckpoint>> ReadAllAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"select {ProjectionCheckpoint.Columns} from ledger.projection_checkpoints order by name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checkpoints = new List<ProjectionCheckpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(ProjectionCheckpoint.Read(reader));
        }

        return checkpoints;
    }

    public static async Task<ProjectionCheckpoint?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string name, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = Command(
            connection,
            transaction,
            $"select {ProjectionCheckpoint.Columns} from ledger.projection_checkpoints where name = $1{(forUpdate ? " for update" : "")}",
            name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ProjectionCheckpoint.Read(reader) : null;
    }

    public static Task InsertAsync(ProjectionContext context, IProjection projection, CancellationToken cancellationToken) =>
        ExecuteAsync(context, """
            insert into ledger.projection_checkpoints (name, mode, generation, position, version) values ($1, $2, $3, 0, $4)
            """, cancellationToken, context.ProjectionName, ProjectionCheckpoint.ModeName(projection.Mode), context.Generation, projection.Version);

    /// <summary>
    /// Makes <paramref name="context"/>'s generation, whose tables are created in the same transaction, the one readers
    /// use, empty and at position 0, for the projection's current mode and version; nothing of the old one remains.
    /// </summary>
    public static Task ReplaceGenerationAsync(ProjectionContext context, IProjection projection, CancellationToken cancellationToken) =>
        ExecuteAsync(context, """
            update ledger.projection_checkpoints
               set mode = $2, version = $3, generation = $4, position = 0, state = 'running', last_error = null, last_error_at = null,
                   rebuild_generation = null, rebuild_position = null, rebuild_events_done = null, rebuild_started = null,
                   retired_generation = null, retired_at = null, updated = clock_timestamp()
             where name = $1
            """, cancellationToken, context.ProjectionName, ProjectionCheckpoint.ModeName(projection.Mode), projection.Version, context.Generation);

    public static Task ChangeModeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, ProjectionMode mode, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, """
            update ledger.projection_checkpoints set mode = $2, updated = clock_timestamp() where name = $1
            """, cancellationToken, name, ProjectionCheckpoint.ModeName(mode));

    /// <summary>Marks a rebuild into <paramref name="context"/>'s generation, whose tables are created in the same transaction.</summary>
    public static Task RequestRebuildAsync(ProjectionContext context, CancellationToken cancellationToken) =>
        ExecuteAsync(context, """
            update ledger.projection_checkpoints
               set rebuild_generation = $2, rebuild_position = 0, rebuild_events_done = 0, rebuild_started = clock_timestamp(),
                   updated = clock_timestamp()
             where name = $1
            """, cancellationToken, context.ProjectionName, context.Generation);

    /// <summary>Moves the live generation's position; with a <paramref name="failure"/> the projection stops there as failed.</summary>
    public static Task AdvanceAsync(ProjectionContext context, long expectedPosition, long newPosition, string? failure, CancellationToken cancellationToken) =>
        GuardedAsync(context, """
            update ledger.projection_checkpoints
               set position = $4,
                   state = case when $5::text is null then state else 'failed' end,
                   last_error = coalesce($5, last_error),
                   last_error_at = case when $5::text is null then last_error_at else clock_timestamp() end,
                   updated = clock_timestamp()
             where name = $1 and generation = $2 and position = $3
            """, cancellationToken, context.ProjectionName, context.Generation, expectedPosition, newPosition, failure);

    public static Task AdvanceRebuildAsync(ProjectionContext context, long expectedPosition, long newPosition, int eventsApplied, CancellationToken cancellationToken) =>
        GuardedAsync(context, """
            update ledger.projection_checkpoints
               set rebuild_position = $4, rebuild_events_done = rebuild_events_done + $5, updated = clock_timestamp()
             where name = $1 and rebuild_generation = $2 and rebuild_position = $3
            """, cancellationToken, context.ProjectionName, context.Generation, expectedPosition, newPosition, eventsApplied);

    /// <summary>
    /// Makes the rebuilt generation the one readers use, at <paramref name="newPosition"/>, and retires the old one. A
    /// projection that had failed runs again: its new generation got past the event that stopped the old one.
    /// </summary>
    public static Task SwapAsync(ProjectionContext context, long expectedPosition, long newPosition, CancellationToken cancellationToken) =>
        GuardedAsync(context, """
            update ledger.projection_checkpoints
               set retired_generation = generation, retired_at = clock_timestamp(),
                   generation = rebuild_generation, position = $4,
                   rebuild_generation = null, rebuild_position = null, rebuild_events_done = null, rebuild_started = null,
                   state = case when state = 'failed' then 'running' else state end,
                   last_error = null, last_error_at = null,
                   updated = clock_timestamp()
             where name = $1 and rebuild_generation = $2 and rebuild_position = $3
            """, cancellationToken, context.ProjectionName, context.Generation, expectedPosition, newPosition);

    /// <summary>Gives up a rebuild whose projection stopped on a poison event; the generation readers use stays as it was.</summary>
    public static Task AbortRebuildAsync(ProjectionContext context, long expectedPosition, string failure, CancellationToken cancellationToken) =>
        GuardedAsync(context, """
            update ledger.projection_checkpoints
               set rebuild_generation = null, rebuild_position = null, rebuild_events_done = null, rebuild_started = null,
                   last_error = $4, last_error_at = clock_timestamp(), updated = clock_timestamp()
             where name = $1 and rebuild_generation = $2 and rebuild_position = $3
            """, cancellationToken, context.ProjectionName, context.Generation, expectedPosition, failure);

    public static Task ForgetRetiredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, long retiredGeneration, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, """
            update ledger.projection_checkpoints set retired_generation = null, retired_at = null
             where name = $1 and retired_generation = $2
            """, cancellationToken, name, retiredGeneration);

    /// <summary>Sets <paramref name="state"/>; resuming also clears the last error, so a failed projection retries its poison event.</summary>
    public static async Task<bool> SetStateAsync(NpgsqlDataSource dataSource, string name, string state, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, """
            update ledger.projection_checkpoints
               set state = $2,
                   last_error = case when $2 = 'running' then null else last_error end,
                   last_error_at = case when $2 = 'running' then null else last_error_at end,
                   updated = clock_timestamp()
             where name = $1
            """, name, state);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Records an error that stopped no projection (a lost connection, an unreadable event) so that status shows it.</summary>
    public static async Task RecordErrorAsync(NpgsqlDataSource dataSource, string name, string error, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, """
            update ledger.projection_checkpoints set last_error = $2, last_error_at = clock_timestamp() where name = $1
            """, name, error);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static Task DeadLetterAsync(ProjectionContext context, RecordedEvent poison, Exception error, CancellationToken cancellationToken) =>
        ExecuteAsync(context, """
            insert into ledger.projection_dead_letters (projection, generation, sequence, event_id, event_type, error)
            values ($1, $2, $3, $4, $5, $6)
            on conflict (projection, generation, sequence) do update set error = excluded.error, at = clock_timestamp()
            """, cancellationToken, context.ProjectionName, context.Generation, poison.Sequence, poison.EventId, poison.Type, error.ToString());

    private static Task ExecuteAsync(ProjectionContext context, string sql, CancellationToken cancellationToken, params object?[] parameters) =>
        ExecuteAsync(context.Connection, context.Transaction, sql, cancellationToken, parameters);

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task GuardedAsync(ProjectionContext context, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(context.Connection, context.Transaction, sql, parameters);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new LeadershipLostException(context.ProjectionName);
        }
    }
}
