using System.Data;
using System.Threading.Channels;
using CooperationLedger.EventStore.Serialization;
using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// Group commit for appends with inline projections. Appends that arrive while earlier ones are being written wait
/// and then share one transaction: one batch takes the inline locks, reads the generations, runs every append and
/// reads the appended events back; the projections run once over all of them; one commit. Under concurrent load this
/// spreads the round trips, statements and commit of an append over the whole group; a lone append still costs what
/// it did (a group of one).
/// </summary>
/// <remarks>
/// Each append keeps its own outcome. When the database refuses one append (a version conflict, an existing stream)
/// the group's transaction rolls back, the refused append is tried alone so that its caller gets exactly the error
/// it would have got, and the rest are written again as a group. When a projection fails, nobody can tell which
/// append it failed on, so each is tried alone. Nothing an append did is ever kept unless its own transaction commits.
/// </remarks>
internal sealed class InlineAppendGroups(
    NpgsqlDataSource dataSource,
    EventTypeRegistry registry,
    IReadOnlyList<IProjection> inlineProjections,
    EventFeedReader feed,
    ProjectionEngineOptions options)
{
    private readonly long[] inlineLockKeys = [.. inlineProjections.Select(projection => ProjectionLocks.Inline(projection.Name))];
    private readonly string[] inlineNames = [.. inlineProjections.Select(projection => projection.Name)];
    private readonly Channel<Waiting> queue = Channel.CreateUnbounded<Waiting>();
    private int writers;

    public Task<AppendResult> AppendAsync(PendingAppend append, CancellationToken cancellationToken)
    {
        var waiting = new Waiting(append, cancellationToken);
        queue.Writer.TryWrite(waiting);
        StartWriterIfNeeded();
        return waiting.Completion.Task;
    }

    private void StartWriterIfNeeded()
    {
        // A writer re-checks the queue after it has left (see WriteQueuedAsync), so an append queued while every
        // writer slot is taken is always picked up by a writer still running.
        if (Interlocked.Increment(ref writers) > options.MaxConcurrentAppendGroups)
        {
            Interlocked.Decrement(ref writers);
            return;
        }

        _ = Task.Run(WriteQueuedAsync, CancellationToken.None);
    }

    /// <summary>Writes groups until no append has come for <see cref="ProjectionEngineOptions.AppendWriterIdleTime"/>.</summary>
    private async Task WriteQueuedAsync()
    {
        var deferred = new List<Waiting>();
        await using var connection = new WriterConnection(dataSource);
        try
        {
            while (deferred.Count > 0 || await WaitForWorkAsync())
            {
                if (TakeGroup(deferred) is { Count: > 0 } group)
                {
                    await WriteAsync(connection, group);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref writers);
        }

        if (queue.Reader.TryPeek(out _))
        {
            StartWriterIfNeeded();
        }
    }

    private async Task<bool> WaitForWorkAsync()
    {
        if (queue.Reader.TryPeek(out _))
        {
            return true;
        }

        var arrival = queue.Reader.WaitToReadAsync().AsTask();
        return await Task.WhenAny(arrival, Task.Delay(options.AppendWriterIdleTime)) == arrival && await arrival;
    }

    /// <summary>
    /// The next group: what this writer put off before, then the queue, in arrival order, one append per stream (a
    /// second append to a stream would likely be refused against the first and cost the group a retry), in stream-id
    /// order so that concurrent groups lock stream rows in one order.
    /// </summary>
    private List<Waiting> TakeGroup(List<Waiting> deferred)
    {
        var group = new List<Waiting>();
        var streams = new HashSet<Guid>();
        var carried = deferred.ToList();
        deferred.Clear();
        foreach (var waiting in carried.Concat(DrainQueue(options.MaxAppendGroupSize)))
        {
            if (waiting.CancellationToken.IsCancellationRequested)
            {
                waiting.Completion.TrySetCanceled(waiting.CancellationToken);
            }
            else if (group.Count < options.MaxAppendGroupSize && streams.Add(waiting.Append.StreamId))
            {
                group.Add(waiting);
            }
            else
            {
                deferred.Add(waiting);
            }
        }

        group.Sort(static (left, right) => left.Append.StreamId.CompareTo(right.Append.StreamId));
        return group;
    }

    private IEnumerable<Waiting> DrainQueue(int limit)
    {
        for (var taken = 0; taken < limit && queue.Reader.TryRead(out var waiting); taken++)
        {
            yield return waiting;
        }
    }

    private async Task WriteAsync(WriterConnection connection, List<Waiting> group)
    {
        try
        {
            var results = await WriteInOneTransactionAsync(connection, group);
            for (var index = 0; index < group.Count; index++)
            {
                group[index].Completion.TrySetResult(results[index]);
            }
        }
        catch (AppendRefused refused) when (group.Count > 1)
        {
            group.Remove(refused.Append);
            await WriteAsync(connection, group);
            await WriteAsync(connection, [refused.Append]);
        }
        catch (Exception) when (group.Count > 1)
        {
            foreach (var waiting in group)
            {
                await WriteAsync(connection, [waiting]);
            }
        }
        catch (Exception failure)
        {
            group[0].Completion.TrySetException(failure switch
            {
                AppendRefused refused => refused.Append.Append.Translate(refused.Database) ?? refused.Database,
                PostgresException database => group[0].Append.Translate(database) ?? database,
                _ => failure,
            });
        }
    }

    private async Task<AppendResult[]> WriteInOneTransactionAsync(WriterConnection writerConnection, List<Waiting> group)
    {
        var connection = await writerConnection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var generations = new Dictionary<string, long>(StringComparer.Ordinal);
        var results = new AppendResult[group.Count];
        IReadOnlyList<RecordedEvent> appended;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_advisory_xact_lock_shared(key) from unnest($1::bigint[]) as keys(key)") { Parameters = { new() { Value = inlineLockKeys } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select name, generation from ledger.projection_checkpoints where name = any($1)") { Parameters = { new() { Value = inlineNames } } });
            foreach (var waiting in group)
            {
                batch.BatchCommands.Add(waiting.Append.CreateBatchCommand());
            }

            batch.BatchCommands.Add(PendingAppend.CreateReadBackCommand(group.Select(waiting => waiting.Append)));
            // The same few shapes run on every append: prepared, PostgreSQL plans them once per connection.
            await batch.PrepareAsync();
            await using var reader = await batch.ExecuteReaderAsync();
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                generations[reader.GetString(0)] = reader.GetInt64(1);
            }

            for (var index = 0; index < group.Count; index++)
            {
                try
                {
                    await reader.NextResultAsync();
                    results[index] = await group[index].Append.ReadResultAsync(reader, CancellationToken.None);
                }
                catch (PostgresException refused)
                {
                    // The batch stops at the first statement that fails, so this append is the one refused.
                    throw new AppendRefused(group[index], refused);
                }
            }

            await reader.NextResultAsync();
            appended = await StoredEventRow.ReadRecordedEventsAsync(reader, registry, CancellationToken.None);
        }

        if (inlineNames.FirstOrDefault(name => !generations.ContainsKey(name)) is { } missing)
        {
            throw new InvalidOperationException($"Inline projection '{missing}' has no storage yet; call EnsureStorageAsync first.");
        }

        if (appended.Count > 0)
        {
            foreach (var projection in inlineProjections)
            {
                await projection.ApplyAsync(new ProjectionContext(projection.Name, generations[projection.Name], connection, transaction, feed), appended, CancellationToken.None);
            }

            if (options.NotifyOnAppend)
            {
                await using var notify = CheckpointStore.Command(connection, transaction, "select pg_notify($1, '')", FeedFrontier.Channel);
                await notify.ExecuteNonQueryAsync();
            }
        }

        await transaction.CommitAsync();
        return results;
    }

    /// <summary>
    /// The connection a writer keeps for as long as it writes: returning it to the pool after every group would have
    /// Npgsql reset the session (several statements) each time it is taken again. A broken one is replaced.
    /// </summary>
    private sealed class WriterConnection(NpgsqlDataSource dataSource) : IAsyncDisposable
    {
        private NpgsqlConnection? current;

        public async Task<NpgsqlConnection> OpenAsync()
        {
            if (current is { FullState: ConnectionState.Open })
            {
                return current;
            }

            if (current is not null)
            {
                await current.DisposeAsync();
            }

            current = await dataSource.OpenConnectionAsync();
            return current;
        }

        public async ValueTask DisposeAsync()
        {
            if (current is not null)
            {
                await current.DisposeAsync();
            }
        }
    }

    private sealed class AppendRefused(Waiting append, PostgresException database) : Exception(database.Message, database)
    {
        public Waiting Append { get; } = append;

        public PostgresException Database { get; } = database;
    }

    private sealed class Waiting(PendingAppend append, CancellationToken cancellationToken)
    {
        public PendingAppend Append { get; } = append;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
