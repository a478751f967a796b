using System.Diagnostics;
using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// Runs the registered projections: inline ones inside appends made through it, async ones in the daemon
/// (<see cref="RunDaemonAsync"/>), live ones not at all (they fold on read). One per process; several processes may
/// run daemons over one database, and each projection then has one leader. See docs/projections.md.
/// </summary>
public sealed class ProjectionEngine
{
    private static readonly TimeSpan NonStalePollInterval = TimeSpan.FromMilliseconds(20);

    private readonly NpgsqlDataSource dataSource;
    private readonly LedgerEventStore store;
    private readonly ProjectionEngineOptions options;
    private readonly Dictionary<string, IProjection> projectionsByName;
    private readonly IReadOnlyList<IProjection> inlineProjections;
    private readonly string[] inlineNames;
    private readonly long[] inlineLockKeys;
    private readonly EventFeedReader feed;
    private readonly EventFeedReader daemonFeed;
    private readonly FeedFrontier frontier;
    private readonly Dictionary<string, ProjectionLeader> leaders;
    private readonly ActiveGenerations activeGenerations;
    private readonly PlannedAppendCombiner combiner;
    private int daemonRuns;

    /// <param name="plannedAppendDataSource">Planned appends go through it when given: the same database, and its
    /// connections may skip Npgsql's session reset (<c>No Reset On Close</c>), since a planned append runs only the
    /// engine's statements and the plans' in an implicit transaction, which leave no session state behind. Its
    /// sessions should force generic plans (<c>set plan_cache_mode = force_generic_plan</c> on each new connection): with
    /// array parameters PostgreSQL otherwise plans the statement of ledger.append_single_events afresh on every call.</param>
    /// <param name="daemonDataSource">The daemon's connections come from it when given: the same database, and it may
    /// prepare statements automatically (<c>Max Auto Prepare</c>). The daemon keeps its connections for as long as it
    /// polls or leads and runs the same few statements on them, so they are then parsed and planned once per
    /// connection instead of on every poll and batch.</param>
    public ProjectionEngine(
        NpgsqlDataSource dataSource,
        LedgerEventStore store,
        IEnumerable<IProjection> projections,
        ProjectionEngineOptions? options = null,
        NpgsqlDataSource? plannedAppendDataSource = null,
        NpgsqlDataSource? daemonDataSource = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(projections);
        this.dataSource = dataSource;
        this.store = store;
        this.options = options ?? new ProjectionEngineOptions();
        if (this.options.PlannedAppendsInFlight < 1 || this.options.PlannedAppendGroupSize < 1)
        {
            throw new ArgumentException("Planned appends need at least one round trip in flight and groups of at least one.", nameof(options));
        }

        Projections = [.. projections];
        projectionsByName = new Dictionary<string, IProjection>(StringComparer.Ordinal);
        foreach (var projection in Projections)
        {
            ProjectionContext.ValidateProjectionName(projection.Name);
            if (!projectionsByName.TryAdd(projection.Name, projection))
            {
                throw new ArgumentException($"Two projections are named '{projection.Name}'.", nameof(projections));
            }
        }

        var collision = Projections.GroupBy(projection => ProjectionLocks.ObjectId(projection.Name)).FirstOrDefault(group => group.Count() > 1);
        if (collision is not null)
        {
            throw new ArgumentException($"Projections {string.Join(" and ", collision.Select(projection => projection.Name))} would share a lock key; rename one.", nameof(projections));
        }

        inlineProjections = [.. Projections.Where(projection => projection.Mode == ProjectionMode.Inline)];
        inlineNames = [.. inlineProjections.Select(projection => projection.Name)];
        inlineLockKeys = [.. inlineProjections.Select(projection => ProjectionLocks.Inline(projection.Name))];
        activeGenerations = new ActiveGenerations(dataSource, this.options.ActiveGenerationCacheDuration);
        combiner = new PlannedAppendCombiner(
            plannedAppendDataSource ?? dataSource, [.. inlineProjections.OfType<IPlannedInlineProjection>()], inlineLockKeys, inlineNames, this.options);
        var daemonConnections = daemonDataSource ?? dataSource;
        feed = new EventFeedReader(dataSource, store.Registry);
        daemonFeed = new EventFeedReader(daemonConnections, store.Registry);
        frontier = new FeedFrontier(daemonConnections, this.options);
        leaders = Projections
            .Where(projection => projection.Mode != ProjectionMode.Live)
            .ToDictionary(
                projection => projection.Name,
                projection => new ProjectionLeader(projection, daemonConnections, frontier, daemonFeed, this.options, activeGenerations.Remember),
                StringComparer.Ordinal);
    }

    public IReadOnlyList<IProjection> Projections { get; }

    /// <summary>True while <see cref="RunDaemonAsync"/> runs in this process.</summary>
    public bool IsDaemonRunning => Volatile.Read(ref daemonRuns) > 0;

    /// <summary>True while this process's daemon leads projection <paramref name="name"/>.</summary>
    public bool IsLeading(string name) => leaders.TryGetValue(Get(name).Name, out var leader) && leader.IsLeading;

    /// <summary>
    /// Creates what is missing: a checkpoint row and the generation-0 tables of each projection, in one transaction
    /// serialised across processes. A new inline projection on a ledger that already has events, or a projection whose
    /// mode changed, gets a rebuild. Safe to call on every start.
    /// </summary>
    public async Task EnsureStorageAsync(CancellationToken cancellationToken = default)
    {
        await ProjectionStorage.EnsureAsync(dataSource, Projections, cancellationToken);
        await activeGenerations.RefreshAsync(cancellationToken);
    }

    /// <summary>
    /// Appends and runs every inline projection over the appended events in ONE transaction: when this returns, the
    /// read models show the events; when it throws (a concurrency conflict, a projection that failed), nothing was
    /// written. A duplicate (same idempotency key) projects nothing again.
    /// </summary>
    public async Task<AppendResult> AppendWithInlineProjectionsAsync(
        Guid streamId,
        string streamType,
        ExpectedVersion expectedVersion,
        IReadOnlyList<NewEvent> events,
        AppendMetadata metadata,
        CancellationToken cancellationToken = default)
    {
        if (inlineProjections.Count == 0 && !options.NotifyOnAppend)
        {
            return await store.AppendAsync(streamId, streamType, expectedVersion, events, metadata, cancellationToken);
        }

        var append = PendingAppend.Prepare(store.Registry, streamId, streamType, expectedVersion, events, metadata);
        if (await PlanInlineAsync(append, streamType, events, metadata, cancellationToken) is { } planned)
        {
            try
            {
                return await combiner.AppendAsync(append, planned, cancellationToken);
            }
            catch (PostgresException refused) when (refused.SqlState is LedgerSqlStates.InlinePlanGenerationMoved or LedgerSqlStates.InlinePlanBuiltOnOtherEvent or PostgresErrorCodes.UndefinedTable)
            {
                // Nothing was written; the usual way below reads the generations and the stream as they are. A table
                // that does not exist belongs to a generation retired since it was cached: on a connection that has
                // not prepared the plan's statements yet, preparing them fails before the generation check can run.
                if (refused.SqlState != LedgerSqlStates.InlinePlanBuiltOnOtherEvent)
                {
                    await activeGenerations.RefreshAsync(cancellationToken);
                }
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (result, generations, appended) = await AppendHoldingInlineGenerationsAsync(transaction, append, cancellationToken);
        if (!result.WasDuplicate)
        {
            foreach (var projection in inlineProjections)
            {
                await projection.ApplyAsync(new ProjectionContext(projection.Name, generations[projection.Name], connection, transaction, feed), appended, cancellationToken);
            }

            if (options.NotifyOnAppend)
            {
                await using var notify = CheckpointStore.Command(connection, transaction, FeedFrontier.NotifySql, FeedFrontier.Channel);
                await notify.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// The daemon: follows the feed for every async projection this process leads, runs rebuilds, and keeps bidding
    /// for the projections another process leads. Ensures storage first. Returns when <paramref name="cancellationToken"/>
    /// is cancelled, releasing leadership.
    /// </summary>
    public async Task RunDaemonAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref daemonRuns) > 1)
        {
            Interlocked.Decrement(ref daemonRuns);
            throw new InvalidOperationException("The projection daemon already runs in this engine.");
        }

        try
        {
            await EnsureStorageAsync(cancellationToken);
            await Task.WhenAll(
                leaders.Values.Select(leader => Task.Run(() => leader.RunAsync(cancellationToken), CancellationToken.None))
                    .Append(Task.Run(() => frontier.RunAsync(cancellationToken), CancellationToken.None)));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal way out.
        }
        finally
        {
            Interlocked.Decrement(ref daemonRuns);
        }
    }

    /// <summary>Where every registered projection stands, in one round trip.</summary>
    public async Task<IReadOnlyList<ProjectionStatus>> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await StatusQuery.ReadAsync(dataSource, Projections, cancellationToken);
        return [.. Projections.Select(projection => StatusQuery.StatusOf(projection, snapshot))];
    }

    public async Task<ProjectionStatus> GetStatusAsync(string name, CancellationToken cancellationToken = default)
    {
        var projection = Get(name);
        var snapshot = await StatusQuery.ReadAsync(dataSource, [projection], cancellationToken);
        return StatusQuery.StatusOf(projection, snapshot);
    }

    /// <summary>
    /// Starts rebuilding <paramref name="name"/> from zero into a new generation, which replaces the current one once
    /// it has caught up; readers keep using the current one meanwhile. A rebuild already under way is left alone.
    /// </summary>
    /// <exception cref="UnknownProjectionException">No projection has that name.</exception>
    /// <exception cref="InvalidOperationException">The projection is live: nothing is stored to rebuild.</exception>
    public async Task<ProjectionStatus> StartRebuildAsync(string name, CancellationToken cancellationToken = default)
    {
        var projection = Get(name);
        if (projection.Mode == ProjectionMode.Live)
        {
            throw new InvalidOperationException($"Projection '{name}' is live: it folds on read and stores nothing to rebuild.");
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await ProjectionStorage.LockSetupAsync(connection, transaction, cancellationToken);
            var checkpoint = await CheckpointStore.ReadAsync(connection, transaction, name, forUpdate: true, cancellationToken)
                ?? throw new InvalidOperationException($"Projection '{name}' has no storage yet; call EnsureStorageAsync first.");
            if (checkpoint.Rebuild is null)
            {
                await ProjectionStorage.RequestRebuildAsync(connection, transaction, projection, checkpoint.Generation, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        leaders[name].Wake();
        return await GetStatusAsync(name, cancellationToken);
    }

    /// <summary>Stops the daemon working on <paramref name="name"/> (in every process) until <see cref="ResumeAsync"/>.</summary>
    public Task StopAsync(string name, CancellationToken cancellationToken = default) =>
        SetStateAsync(name, ProjectionCheckpoint.Stopped, cancellationToken);

    /// <summary>Lets a stopped or failed projection run again; a failed one retries the event it failed on.</summary>
    public Task ResumeAsync(string name, CancellationToken cancellationToken = default) =>
        SetStateAsync(name, ProjectionCheckpoint.Running, cancellationToken);

    /// <summary>
    /// Waits until projection <paramref name="name"/> has applied every event up to <paramref name="sequence"/>.
    /// Inline and live projections are never behind an append that has returned, so they return at once.
    /// </summary>
    /// <exception cref="TimeoutException">Not reached within <paramref name="timeout"/>; the message says where the projection stands.</exception>
    /// <exception cref="ProjectionFailedException">The projection stopped on a poison event before reaching it.</exception>
    public async Task WaitForNonStaleAsync(string name, long sequence, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var projection = Get(name);
        if (projection.Mode != ProjectionMode.Async)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var (position, state, lastError) = await ReadPositionAsync(name, cancellationToken);
            if (position >= sequence)
            {
                return;
            }

            if (state == ProjectionCheckpoint.Failed)
            {
                throw new ProjectionFailedException(name, position, lastError);
            }

            var remaining = timeout - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Projection '{name}' reached sequence {position}, not {sequence}, within {timeout.TotalSeconds:0.###} s (state {state}).");
            }

            if (leaders.TryGetValue(projection.Name, out var leader))
            {
                leader.Hurry(sequence);
            }

            await Task.Delay(remaining < NonStalePollInterval ? remaining : NonStalePollInterval, cancellationToken);
        }
    }

    /// <summary>
    /// The table readers should query for <paramref name="baseName"/> of projection <paramref name="projectionName"/>:
    /// the current generation's, cached for <see cref="ProjectionEngineOptions.ActiveGenerationCacheDuration"/> and
    /// updated at once when this process swaps a rebuild in.
    /// </summary>
    public string ActiveTable(string projectionName, string baseName) =>
        ProjectionContext.QualifiedTableName(GetStored(projectionName).Name, baseName, activeGenerations.Get(projectionName));

    /// <inheritdoc cref="ActiveTable"/>
    public async Task<string> ActiveTableAsync(string projectionName, string baseName, CancellationToken cancellationToken = default) =>
        ProjectionContext.QualifiedTableName(GetStored(projectionName).Name, baseName, await activeGenerations.GetAsync(projectionName, cancellationToken));

    /// <summary>The events projection <paramref name="name"/> threw on, newest first.</summary>
    public async Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(string name, CancellationToken cancellationToken = default)
    {
        Get(name);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = CheckpointStore.Command(connection, null, """
            select projection, generation, sequence, event_id, event_type, error, at
              from ledger.projection_dead_letters
             where projection = $1
             order by at desc, sequence desc
            """, name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var letters = new List<DeadLetter>();
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(new DeadLetter(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetInt64(2),
                reader.GetGuid(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return letters;
    }

    private IProjection Get(string name) =>
        projectionsByName.TryGetValue(name, out var projection) ? projection : throw new UnknownProjectionException(name);

    private IProjection GetStored(string name)
    {
        var projection = Get(name);
        return projection.Mode != ProjectionMode.Live
            ? projection
            : throw new InvalidOperationException($"Projection '{name}' is live: it folds on read and has no tables.");
    }

    /// <summary>
    /// In one round trip: takes the inline lock of every inline projection in shared mode and reads their generations
    /// (a rebuild swaps under the exclusive lock, so they stay current until this transaction ends), appends, and reads
    /// the appended events back for the inline projections.
    /// </summary>
    private async Task<(AppendResult Result, Dictionary<string, long> Generations, IReadOnlyList<RecordedEvent> Appended)> AppendHoldingInlineGenerationsAsync(
        NpgsqlTransaction transaction, PendingAppend append, CancellationToken cancellationToken)
    {
        var generations = new Dictionary<string, long>(StringComparer.Ordinal);
        IReadOnlyList<RecordedEvent> appended = [];
        var projects = inlineProjections.Count > 0;
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        if (projects)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_advisory_xact_lock_shared(key) from unnest($1::bigint[]) as keys(key)") { Parameters = { new() { Value = inlineLockKeys } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select name, generation from ledger.projection_checkpoints where name = any($1)") { Parameters = { new() { Value = inlineNames } } });
        }

        batch.BatchCommands.Add(append.CreateBatchCommand());
        if (projects)
        {
            batch.BatchCommands.Add(append.CreateReadBackCommand());
        }

        try
        {
            await batch.PrepareAsync(cancellationToken);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (projects)
            {
                await reader.NextResultAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    generations[reader.GetString(0)] = reader.GetInt64(1);
                }

                await reader.NextResultAsync(cancellationToken);
            }

            var result = await append.ReadResultAsync(reader, cancellationToken);
            if (projects)
            {
                await reader.NextResultAsync(cancellationToken);
                appended = await StoredEventRow.ReadRecordedEventsAsync(reader, store.Registry, decodeOnUse: true, cancellationToken);
            }

            var missing = inlineNames.FirstOrDefault(name => !generations.ContainsKey(name));
            return missing is null
                ? (result, generations, appended)
                : throw new InvalidOperationException($"Inline projection '{missing}' has no storage yet; call EnsureStorageAsync first.");
        }
        catch (PostgresException exception) when (append.Translate(exception) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// Every inline projection's plan for this append, or null when the append must go the usual way: a projection
    /// that cannot plan, an idempotency key (a retry writes no events, so no rows may be written for it either), no
    /// known previous version, or plans built on different events.
    /// </summary>
    private async Task<PlannedInlineAppend?> PlanInlineAsync(
        PendingAppend append, string streamType, IReadOnlyList<NewEvent> events, AppendMetadata metadata, CancellationToken cancellationToken)
    {
        if (inlineProjections.Count == 0
            || metadata.IdempotencyKey is not null
            || append.PreviousVersion is not { } previousVersion)
        {
            return null;
        }

        var plans = new InlineAppendPlan[inlineProjections.Count];
        var generations = new long[inlineProjections.Count];
        byte[]? builtOnHash = null;
        for (var index = 0; index < inlineProjections.Count; index++)
        {
            if (inlineProjections[index] is not IPlannedInlineProjection planner)
            {
                return null;
            }

            generations[index] = await activeGenerations.GetAsync(planner.Name, cancellationToken);
            var plan = planner.Plan(new PlannedAppend(planner.Name, generations[index], append.StreamId, streamType, previousVersion, events, append.EventIds, metadata));
            if (plan is null)
            {
                return null;
            }

            if (plan.BuiltOnHash is { } hash)
            {
                if (builtOnHash is not null && !builtOnHash.AsSpan().SequenceEqual(hash))
                {
                    return null;
                }

                builtOnHash = hash;
            }

            plans[index] = plan;
        }

        return new PlannedInlineAppend(builtOnHash, generations, plans);
    }

    private async Task SetStateAsync(string name, string state, CancellationToken cancellationToken)
    {
        GetStored(name);
        if (!await CheckpointStore.SetStateAsync(dataSource, name, state, cancellationToken))
        {
            throw new InvalidOperationException($"Projection '{name}' has no storage yet; call EnsureStorageAsync first.");
        }

        if (leaders.TryGetValue(name, out var leader))
        {
            leader.Wake();
        }
    }

    private async Task<(long Position, string State, string? LastError)> ReadPositionAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = CheckpointStore.Command(connection, null, "select position, state, last_error from ledger.projection_checkpoints where name = $1", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        // No row yet means a daemon starting up has not ensured storage: that is position 0, not an error.
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : (0, "without storage yet", null);
    }
}
