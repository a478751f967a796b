using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// Follows the head of the global feed for the daemon and publishes the safe mark. It looks at the sequence and the
/// append lock (see <see cref="SafeSequenceTracker"/>) when asked (<see cref="RefreshAsync"/>, before each batch), and
/// while someone waits for the mark to move (<see cref="WaitBeyondAsync"/>): then every
/// <see cref="ProjectionEngineOptions.FeedPollInterval"/>, every few milliseconds while appends it saw are still in
/// flight, and at once when an append notifies (with <see cref="ProjectionEngineOptions.NotifyOnAppend"/>). A leader
/// busy with a steady stream of appends waits for none of that, so polling between its batches would only cost the
/// database (docs/benchmarks.md, session 12).
/// </summary>
internal sealed class FeedFrontier(NpgsqlDataSource dataSource, ProjectionEngineOptions options)
{
    /// <summary>The channel the engine notifies after appends; notifications are delivered when the append commits.</summary>
    public const string Channel = "ledger_appended";

    /// <summary>Wakes the daemons when the append commits; its one parameter is <see cref="Channel"/>.</summary>
    public const string NotifySql = "select pg_notify($1, '')";

    /// <summary>The last value the sequence issued to anyone, committed or not: the head of the feed.</summary>
    public const string LastIssuedSql = """
        select case when is_called then last_value else last_value - 1 end from ledger.event_sequence
        """;

    /// <summary>
    /// The last sequence issued, the appends in flight (read after it) and the end of the run of committed sequences
    /// just above the mark ($1), in one call whose plans the server keeps (migration 0007).
    /// </summary>
    private const string FeedHeadSql = """
        select last_issued, appends_in_flight, committed_through from ledger.feed_head($1, $2, $3)
        """;

    private readonly SafeSequenceTracker tracker = new();
    private long safe;
    private TaskCompletionSource advanced = NewSignal();
    private TaskCompletionSource notification = NewSignal();
    private TaskCompletionSource demand = NewSignal();
    private TaskCompletionSource nextObservation = NewSignal();
    private int waiters;

    /// <summary>Every event at or below this sequence has committed or will never exist.</summary>
    public long Safe => Volatile.Read(ref safe);

    public string? LastError { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var listener = options.NotifyOnAppend ? Task.Run(() => ListenAsync(cancellationToken), CancellationToken.None) : Task.CompletedTask;
        var failuresInARow = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await PollAsync(() => failuresInARow = 0, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (NpgsqlException exception)
            {
                LastError = exception.Message;
                // Reconnect at once after one failure; back off only when the database keeps failing.
                if (++failuresInARow > 1)
                {
                    await Task.Delay(options.ErrorRetryInterval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }

        await listener.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Completes with true once <see cref="Safe"/> exceeds <paramref name="position"/>, with false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitBeyondAsync(long position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref advanced);
        if (Safe > position)
        {
            return true;
        }

        Interlocked.Increment(ref waiters);
        try
        {
            Demand();
            await signal.Task.WaitAsync(timeout, cancellationToken);
            return Safe > position || await WaitBeyondAsync(position, TimeSpan.Zero, cancellationToken);
        }
        catch (TimeoutException)
        {
            return Safe > position;
        }
        finally
        {
            Interlocked.Decrement(ref waiters);
        }
    }

    /// <summary>
    /// Completes once an observation that started after this call has been published, or after
    /// <paramref name="timeout"/> (while the database is unreachable), so that <see cref="Safe"/> is as fresh as one
    /// round trip makes it.
    /// </summary>
    public async Task RefreshAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Taken before asking: the observation that completes it swaps it out before it reads the head.
        var observed = Volatile.Read(ref nextObservation).Task;
        Demand();
        await observed.WaitAsync(timeout, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task PollAsync(Action succeeded, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            var notified = Volatile.Read(ref notification).Task;
            // Both swapped before the head is read: what was asked until now, this observation answers.
            Interlocked.Exchange(ref demand, NewSignal());
            var observing = Interlocked.Exchange(ref nextObservation, NewSignal());
            try
            {
                await ObserveAsync(connection, cancellationToken);
            }
            finally
            {
                observing.TrySetResult();
            }

            LastError = null;
            succeeded();
            var demanded = Volatile.Read(ref demand).Task;
            if (Volatile.Read(ref waiters) > 0)
            {
                var interval = tracker.IsWaitingForAppends ? options.InFlightPollInterval : options.FeedPollInterval;
                await Task.WhenAny(notified, demanded, Task.Delay(interval, cancellationToken));
            }
            else
            {
                await Task.WhenAny(notified, demanded).WaitAsync(cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void Demand() => Volatile.Read(ref demand).TrySetResult();

    /// <summary>
    /// Waits for notifications on a connection of its own, with no timeout: a read that times out part-way through a
    /// message breaks an Npgsql connection, which is why polling does not share it.
    /// </summary>
    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, _) => Interlocked.Exchange(ref notification, NewSignal()).TrySetResult();
                await using (var listen = new NpgsqlCommand($"listen {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException exception)
            {
                LastError = exception.Message;
                await Task.Delay(options.ErrorRetryInterval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ObserveAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(FeedHeadSql, connection)
        {
            Parameters =
            {
                new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = tracker.Safe },
                new() { NpgsqlDbType = NpgsqlDbType.Oid, Value = LedgerAdvisoryLocks.ClassId },
                new() { NpgsqlDbType = NpgsqlDbType.Oid, Value = LedgerAdvisoryLocks.AppendObjectId },
            },
        };
        // The connection stays with the poller, and a prepared statement with it: the call is planned once.
        await command.PrepareAsync(cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var lastIssued = reader.GetInt64(0);
        var inFlight = reader.GetFieldValue<string[]>(1);
        var committedThrough = reader.GetInt64(2);
        await reader.DisposeAsync();
        tracker.Observe(lastIssued, inFlight);
        Publish(tracker.AdvanceThroughCommitted(committedThrough));
    }

    private void Publish(long newSafe)
    {
        if (newSafe <= Safe)
        {
            return;
        }

        Volatile.Write(ref safe, newSafe);
        Interlocked.Exchange(ref advanced, NewSignal()).TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
