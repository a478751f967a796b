using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// One process's bid to lead one projection, and the work of the leader: following the feed (async projections) and
/// running rebuilds (async and inline ones). Leadership is a session-level advisory lock on a connection kept open
/// while leading, and all the leader's writes go through that same connection, so a leader whose connection or
/// process dies stops writing at once and another process's next attempt takes over.
/// </summary>
internal sealed class ProjectionLeader(
    IProjection projection,
    NpgsqlDataSource dataSource,
    FeedFrontier frontier,
    EventFeedReader feed,
    ProjectionEngineOptions options,
    Action<string, long> generationChanged)
{
    private TaskCompletionSource wake = NewSignal();
    private TaskCompletionSource hurry = NewSignal();

    /// <summary>The highest sequence a reader asked the leader to hurry to.</summary>
    private long hurriedTo;

    private volatile bool isLeading;

    /// <summary>When the last batch that did not fill a page started; kept across checkpoint reads, so that they do not reset the pace.</summary>
    private long? lastPartialBatch;

    public bool IsLeading => isLeading;

    /// <summary>Makes a waiting leader look at its checkpoint now, such as after a rebuild was requested.</summary>
    public void Wake() => Interlocked.Exchange(ref wake, NewSignal()).TrySetResult();

    /// <summary>
    /// Makes a leader pausing between batches (<see cref="ProjectionEngineOptions.MinimumBatchInterval"/>) apply the
    /// next one now, for a reader waiting for <paramref name="sequence"/>. A reader that read the position just before
    /// a batch committed may ask after it did; a leader already past the sequence keeps its pause.
    /// </summary>
    public void Hurry(long sequence)
    {
        var asked = Volatile.Read(ref hurriedTo);
        while (asked < sequence && Interlocked.CompareExchange(ref hurriedTo, sequence, asked) is var seen && seen != asked)
        {
            asked = seen;
        }

        Interlocked.Exchange(ref hurry, NewSignal()).TrySetResult();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var led = false;
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                led = await TryLeadAsync(connection, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (LeadershipLostException)
            {
                // Another process leads now; bid again like any follower.
            }
            catch (Exception exception)
            {
                await TryRecordErrorAsync(exception);
            }

            var pause = led ? options.ErrorRetryInterval : options.LeadershipRetryInterval;
            await Task.Delay(pause, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<bool> TryLeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var key = ProjectionLocks.Leader(projection.Name);
        await using (var bid = CheckpointStore.Command(connection, null, "select pg_try_advisory_lock($1)", key))
        {
            if (!(bool)(await bid.ExecuteScalarAsync(cancellationToken))!)
            {
                return false;
            }
        }

        isLeading = true;
        try
        {
            await LeadAsync(connection, cancellationToken);
            return true;
        }
        finally
        {
            isLeading = false;
            // The connection goes back to the pool, which would keep a session lock; a broken one is discarded anyway.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await using var release = CheckpointStore.Command(connection, null, "select pg_advisory_unlock($1)", key);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    private async Task LeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var woken = Volatile.Read(ref wake).Task;
            var checkpoint = await CheckpointStore.ReadAsync(connection, null, projection.Name, forUpdate: false, cancellationToken)
                ?? throw new InvalidOperationException($"Projection '{projection.Name}' has no checkpoint row; call EnsureStorageAsync first.");
            await DropRetiredGenerationAsync(connection, checkpoint, cancellationToken);
            var follows = projection.Mode == ProjectionMode.Async && checkpoint.State == ProjectionCheckpoint.Running;
            if (checkpoint.State != ProjectionCheckpoint.Stopped && checkpoint.Rebuild is { } rebuild)
            {
                await RebuildAsync(connection, checkpoint, rebuild, follows, cancellationToken);
            }
            else if (follows)
            {
                await FollowForAWhileAsync(connection, checkpoint, woken, cancellationToken);
            }
            else
            {
                await Task.WhenAny(Task.Delay(options.PollInterval, cancellationToken), woken);
            }
        }
    }

    /// <summary>
    /// Follows the feed from the checkpoint for one <see cref="ProjectionEngineOptions.PollInterval"/> or until woken,
    /// then returns so that the checkpoint is read again: requests from other processes (rebuild, stop) are noticed at
    /// that pace, without a checkpoint read per batch.
    /// </summary>
    private async Task FollowForAWhileAsync(NpgsqlConnection connection, ProjectionCheckpoint checkpoint, Task woken, CancellationToken cancellationToken)
    {
        var position = checkpoint.Position;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (!woken.IsCompleted)
        {
            var remaining = options.PollInterval - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            var hurried = Volatile.Read(ref hurry).Task;
            var pause = lastPartialBatch is { } previous
                ? options.MinimumBatchInterval - System.Diagnostics.Stopwatch.GetElapsedTime(previous)
                : TimeSpan.Zero;
            if (pause > TimeSpan.Zero)
            {
                // A batch costs about the same however few events it holds; under a steady stream of appends, waiting
                // a moment lets one batch carry what several small ones would.
                await Task.WhenAny(Task.Delay(pause < remaining ? pause : remaining, cancellationToken), woken, hurried);
                cancellationToken.ThrowIfCancellationRequested();
                if (hurried.IsCompleted && Volatile.Read(ref hurriedTo) > position)
                {
                    lastPartialBatch = null;
                }

                continue;
            }

            var batchStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            var step = await FollowOnceAsync(connection, checkpoint.Generation, position, cancellationToken);
            if (step.Failed)
            {
                return;
            }

            if (!step.Worked)
            {
                await Task.WhenAny(frontier.WaitBeyondAsync(position, remaining, cancellationToken), woken);
                cancellationToken.ThrowIfCancellationRequested();
            }

            lastPartialBatch = step.Worked && !step.FilledPage ? batchStarted : null;
            position = step.Position;
        }
    }

    /// <summary>Applies the next batch of the feed, up to the safe mark, to the generation readers use.</summary>
    private async Task<FollowStep> FollowOnceAsync(NpgsqlConnection connection, long generation, long position, CancellationToken cancellationToken)
    {
        await frontier.RefreshAsync(options.PollInterval, cancellationToken);
        var safe = frontier.Safe;
        if (safe <= position)
        {
            return new FollowStep(Worked: false, position, Failed: false, FilledPage: false);
        }

        // On the leader's own connection, idle between batches: no pooled connection taken and reset for each page.
        var events = await feed.ReadPageAsync(connection, position, safe, options.BatchSize, projection.ReadsEventData, cancellationToken);
        var reached = events.Count == options.BatchSize ? events[^1].Sequence : safe;
        var outcome = await BatchApplier.ApplyAsync(
            connection,
            feed,
            new EventBatch(
                projection,
                generation,
                events,
                reached,
                (context, newPosition, failure) => CheckpointStore.AdvanceAsync(context, position, newPosition, failure, cancellationToken)),
            cancellationToken);
        return new FollowStep(Worked: true, outcome.Position, Failed: outcome.Failure is not null, FilledPage: events.Count == options.BatchSize);
    }

    /// <summary>
    /// Fills the rebuild's generation from where it stands to the head, in large pages with the next one read while
    /// the current one is applied, then swaps it in. Async projections keep following the feed in between, so readers
    /// of the current generation see no extra staleness.
    /// </summary>
    private async Task RebuildAsync(NpgsqlConnection connection, ProjectionCheckpoint checkpoint, RebuildCheckpoint rebuild, bool follows, CancellationToken cancellationToken)
    {
        var livePosition = checkpoint.Position;
        var position = rebuild.Position;
        // The frontier starts at 0 in a fresh process, below where a resumed rebuild stands; never read backwards.
        await frontier.RefreshAsync(options.PollInterval, cancellationToken);
        var bound = Math.Max(frontier.Safe, position);
        var page = feed.ReadPageAsync(position, bound, options.RebuildBatchSize, projection.ReadsEventData, cancellationToken);
        try
        {
            while (true)
            {
                var events = await page;
                var caughtUp = events.Count < options.RebuildBatchSize;
                var reached = caughtUp ? bound : events[^1].Sequence;
                // Never swap in a generation behind the one readers use: someone may have waited for its position.
                if (caughtUp && projection.Mode == ProjectionMode.Async && reached >= livePosition)
                {
                    await ApplyRebuildPageAsync(connection, checkpoint, rebuild, events, position, reached, swap: true, cancellationToken);
                    return;
                }

                if (!caughtUp || projection.Mode == ProjectionMode.Async)
                {
                    if (caughtUp && reached == position)
                    {
                        await frontier.WaitBeyondAsync(position, options.PollInterval, cancellationToken);
                    }

                    bound = Math.Max(frontier.Safe, reached);
                    page = feed.ReadPageAsync(reached, bound, options.RebuildBatchSize, projection.ReadsEventData, cancellationToken);
                }

                if (await ApplyRebuildPageAsync(connection, checkpoint, rebuild, events, position, reached, swap: false, cancellationToken) is not null)
                {
                    return;
                }

                position = reached;
                if (caughtUp && projection.Mode == ProjectionMode.Inline)
                {
                    await TrySwapInlineAsync(connection, checkpoint, rebuild, position, cancellationToken);
                    return;
                }

                if (follows && await FollowOnceAsync(connection, checkpoint.Generation, livePosition, cancellationToken) is { Worked: true } step)
                {
                    livePosition = step.Position;
                    follows = !step.Failed;
                }
            }
        }
        finally
        {
            // A page read ahead when a page failed to apply: let its connection go back and its error be observed.
            await ((Task)page).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <returns>The failure that aborted the rebuild, or null.</returns>
    private async Task<string?> ApplyRebuildPageAsync(
        NpgsqlConnection connection,
        ProjectionCheckpoint checkpoint,
        RebuildCheckpoint rebuild,
        IReadOnlyList<RecordedEvent> events,
        long position,
        long reached,
        bool swap,
        CancellationToken cancellationToken)
    {
        var outcome = await BatchApplier.ApplyAsync(
            connection,
            feed,
            new EventBatch(
                projection,
                rebuild.Generation,
                events,
                reached,
                (context, newPosition, failure) => failure is not null
                    ? AbortRebuildAsync(context, position, failure, cancellationToken)
                    : swap
                        ? SwapAsync(context, checkpoint, position, newPosition, cancellationToken)
                        : CheckpointStore.AdvanceRebuildAsync(context, position, newPosition, events.Count, cancellationToken)),
            cancellationToken);
        if (swap && outcome.Failure is null)
        {
            generationChanged(projection.Name, rebuild.Generation);
        }

        return outcome.Failure;
    }

    /// <summary>
    /// The last step of an inline projection's rebuild: with appends that run it held off by the exclusive inline
    /// lock, applies every committed event the rebuild has not seen (appends above the safe mark are among them) and
    /// swaps, so that no inline append lands in the old generation after the rebuild read past it.
    /// </summary>
    private async Task TrySwapInlineAsync(NpgsqlConnection connection, ProjectionCheckpoint checkpoint, RebuildCheckpoint rebuild, long position, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var hold = CheckpointStore.Command(connection, transaction, "select pg_advisory_xact_lock($1)", ProjectionLocks.Inline(projection.Name)))
        {
            await hold.ExecuteNonQueryAsync(cancellationToken);
        }

        var rest = await feed.ReadInTransactionAsync(transaction, position, long.MaxValue, cancellationToken);
        if (rest.Count > options.RebuildBatchSize)
        {
            // Too much arrived meanwhile to hold appends off for: catch up without the lock and try again.
            return;
        }

        var context = new ProjectionContext(projection.Name, rebuild.Generation, connection, transaction, feed);
        try
        {
            if (rest.Count > 0)
            {
                await projection.ApplyAsync(context, rest, cancellationToken);
            }
        }
        catch (Exception exception) when (BatchApplier.IsProjectionFault(exception, connection))
        {
            // A poison event from an append that bypassed the engine: let the paged path dead-letter it, then retry.
            await transaction.RollbackAsync(cancellationToken);
            var reached = rest[^1].Sequence;
            await ApplyRebuildPageAsync(connection, checkpoint, rebuild, rest, position, reached, swap: false, cancellationToken);
            return;
        }

        await SwapAsync(context, checkpoint, position, rest.Count > 0 ? Math.Max(position, rest[^1].Sequence) : position, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        generationChanged(projection.Name, rebuild.Generation);
    }

    private async Task SwapAsync(ProjectionContext context, ProjectionCheckpoint checkpoint, long expectedPosition, long newPosition, CancellationToken cancellationToken)
    {
        if (checkpoint.RetiredGeneration is { } stillThere)
        {
            await GenerationTables.DropAsync(context.Connection, context.Transaction, projection.Name, stillThere, cancellationToken);
        }

        await CheckpointStore.SwapAsync(context, expectedPosition, newPosition, cancellationToken);
    }

    private async Task AbortRebuildAsync(ProjectionContext context, long expectedPosition, string failure, CancellationToken cancellationToken)
    {
        await CheckpointStore.AbortRebuildAsync(context, expectedPosition, $"Rebuild abandoned. {failure}", cancellationToken);
        await GenerationTables.DropAsync(context.Connection, context.Transaction, projection.Name, context.Generation, cancellationToken);
    }

    private async Task DropRetiredGenerationAsync(NpgsqlConnection connection, ProjectionCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        if (checkpoint.RetiredGeneration is not { } retired || checkpoint.RetiredAt is not { } retiredAt || !IsPast(retiredAt + options.RetiredGenerationGracePeriod))
        {
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await GenerationTables.DropAsync(connection, transaction, projection.Name, retired, cancellationToken);
        await CheckpointStore.ForgetRetiredAsync(connection, transaction, projection.Name, retired, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static bool IsPast(DateTimeOffset moment) => moment <= DateTimeOffset.UtcNow;

    private async Task TryRecordErrorAsync(Exception exception)
    {
        try
        {
            await CheckpointStore.RecordErrorAsync(dataSource, projection.Name, $"{exception.GetType().Name}: {exception.Message}", CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The database is what failed; the next attempt will record or clear the error.
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record FollowStep(bool Worked, long Position, bool Failed, bool FilledPage);
}
