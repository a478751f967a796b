using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>Creating projections' checkpoint rows and generation tables, serialised across processes.</summary>
internal static class ProjectionStorage
{
    /// <summary>
    /// In one transaction under the setup lock: a checkpoint row and generation 0 for each projection that has none;
    /// a rebuild for a new inline projection on a ledger with history, and for a projection whose mode changed.
    /// </summary>
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, IReadOnlyList<IProjection> projections, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockSetupAsync(connection, transaction, cancellationToken);
        var existing = (await CheckpointStore.ReadAllAsync(connection, transaction, cancellationToken)).ToDictionary(checkpoint => checkpoint.Name, StringComparer.Ordinal);
        var ledgerHasEvents = await LedgerHasEventsAsync(connection, transaction, cancellationToken);
        foreach (var projection in projections)
        {
            if (!existing.TryGetValue(projection.Name, out var checkpoint))
            {
                var context = new ProjectionContext(projection.Name, 0, connection, transaction);
                await CheckpointStore.InsertAsync(context, projection.Mode, cancellationToken);
                if (projection.Mode != ProjectionMode.Live)
                {
                    await CreateGenerationAsync(context, projection, cancellationToken);
                }

                if (projection.Mode == ProjectionMode.Inline && ledgerHasEvents)
                {
                    await RequestRebuildAsync(connection, transaction, projection, activeGeneration: 0, cancellationToken);
                }
            }
            else if (checkpoint.Mode != projection.Mode)
            {
                await CheckpointStore.ChangeModeAsync(connection, transaction, projection.Name, projection.Mode, cancellationToken);
                if (checkpoint.Mode == ProjectionMode.Live && projection.Mode != ProjectionMode.Live)
                {
                    await CreateGenerationAsync(new ProjectionContext(projection.Name, checkpoint.Generation, connection, transaction), projection, cancellationToken);
                }

                if (projection.Mode != ProjectionMode.Live && checkpoint.Rebuild is null)
                {
                    await RequestRebuildAsync(connection, transaction, projection, checkpoint.Generation, cancellationToken);
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Creates the next generation's tables and records the rebuild that will fill them.</summary>
    public static async Task RequestRebuildAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IProjection projection, long activeGeneration, CancellationToken cancellationToken)
    {
        var context = new ProjectionContext(projection.Name, activeGeneration + 1, connection, transaction);
        await CreateGenerationAsync(context, projection, cancellationToken);
        await CheckpointStore.RequestRebuildAsync(context, cancellationToken);
    }

    public static async Task LockSetupAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = CheckpointStore.Command(connection, transaction, "select pg_advisory_xact_lock($1)", ProjectionLocks.Setup);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task CreateGenerationAsync(ProjectionContext context, IProjection projection, CancellationToken cancellationToken)
    {
        // Left over by a rebuild that crashed between creating tables and recording them? Start clean.
        await GenerationTables.DropAsync(context.Connection, context.Transaction, projection.Name, context.Generation, cancellationToken);
        await using (var schema = context.CreateCommand($"create schema if not exists {ProjectionContext.Schema}"))
        {
            await schema.ExecuteNonQueryAsync(cancellationToken);
        }

        await projection.CreateStorageAsync(context, cancellationToken);
    }

    private static async Task<bool> LedgerHasEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = CheckpointStore.Command(connection, transaction, "select exists (select 1 from ledger.events)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
