using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>Creating projections' checkpoint rows and generation tables, serialised across processes.</summary>
internal static class ProjectionStorage
{
    /// <summary>
    /// In one transaction under the setup lock: a checkpoint row and generation 0 for each projection that has none;
    /// a rebuild for a new inline projection on a ledger with history, and for a projection whose mode changed; fresh
    /// tables for a projection whose version changed.
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
                await CheckpointStore.InsertAsync(context, projection, cancellationToken);
                if (projection.Mode != ProjectionMode.Live)
                {
                    await CreateGenerationAsync(context, projection, cancellationToken);
                }

                if (projection.Mode == ProjectionMode.Inline && ledgerHasEvents)
                {
                    await RequestRebuildAsync(connection, transaction, projection, activeGeneration: 0, cancellationToken);
                }
            }
            else if (checkpoint.Version != projection.Version)
            {
                await ReplaceAsync(connection, transaction, checkpoint, projection, ledgerHasEvents, cancellationToken);
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

    /// <remarks>
    /// Tables of another version cannot take this code's writes, so they go at once (a reader that still holds their
    /// name gets an error, not a wrong answer). The new generation serves from the start: an async projection is
    /// filled by its leader from position 0; an inline one takes appends at once and is filled by a rebuild beside it.
    /// </remarks>
    private static async Task ReplaceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ProjectionCheckpoint stored, IProjection projection, bool ledgerHasEvents, CancellationToken cancellationToken)
    {
        long?[] oldGenerations = [stored.Generation, stored.Rebuild?.Generation, stored.RetiredGeneration];
        foreach (var generation in oldGenerations.OfType<long>().Distinct())
        {
            await GenerationTables.DropAsync(connection, transaction, projection.Name, generation, cancellationToken);
        }

        var replacement = oldGenerations.Max()!.Value + 1;
        if (projection.Mode == ProjectionMode.Live)
        {
            await CheckpointStore.ReplaceGenerationAsync(new ProjectionContext(projection.Name, replacement, connection, transaction), projection, cancellationToken);
            return;
        }

        var context = new ProjectionContext(projection.Name, replacement, connection, transaction);
        await CreateGenerationAsync(context, projection, cancellationToken);
        await CheckpointStore.ReplaceGenerationAsync(context, projection, cancellationToken);
        if (projection.Mode == ProjectionMode.Inline && ledgerHasEvents)
        {
            await RequestRebuildAsync(connection, transaction, projection, replacement, cancellationToken);
        }
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
