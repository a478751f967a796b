using System.Globalization;
using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// Follows the head of the global feed for the daemon: polls the sequence and the append lock (see
/// <see cref="SafeSequenceTracker"/>) every <see cref="ProjectionEngineOptions.FeedPollInterval"/>, at once when an
/// append notifies, and every few milliseconds while appends it saw are still in flight, and publishes the safe mark.
/// </summary>
internal sealed class FeedFrontier(NpgsqlDataSource dataSource, ProjectionEngineOptions options)
{
    /// <summary>The channel the engine notifies after appends; notifications are delivered when the append commits.</summary>
    public const string Channel = "ledger_appended";

    /// <summary>The last value the sequence issued to anyone, committed or not: the head of the feed.</summary>
    public const string LastIssuedSql = """
        select case when is_called then last_value else last_value - 1 end from ledger.event_sequence
        """;

    private static readonly string AppendsInFlightSql = string.Create(CultureInfo.InvariantCulture, $$"""
        select coalesce(array_agg(virtualtransaction), '{}')
          from pg_locks
         where locktype = 'advisory' and classid = {{LedgerAdvisoryLocks.ClassId}} and objid = {{LedgerAdvisoryLocks.AppendObjectId}}
           and objsubid = 1 and granted
           -- pg_locks lists the whole cluster, and advisory keys are per database.
           and database = (select oid from pg_database where datname = current_database())
        """);

    private readonly SafeSequenceTracker tracker = new();
    private long safe;
    private TaskCompletionSource advanced = NewSignal();

    /// <summary>Every event at or below this sequence has committed or will never exist.</summary>
    public long Safe => Volatile.Read(ref safe);

    public string? LastError { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(cancellationToken);
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

    /// <summary>Completes with true once <see cref="Safe"/> exceeds <paramref name="position"/>, with false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitBeyondAsync(long position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref advanced);
        if (Safe > position)
        {
            return true;
        }

        try
        {
            await signal.Task.WaitAsync(timeout, cancellationToken);
            return Safe > position || await WaitBeyondAsync(position, TimeSpan.Zero, cancellationToken);
        }
        catch (TimeoutException)
        {
            return Safe > position;
        }
    }

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var listen = new NpgsqlCommand($"listen {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            while (true)
            {
                await ObserveAsync(connection, cancellationToken);
                LastError = null;
                var interval = tracker.IsWaitingForAppends ? options.InFlightPollInterval : options.FeedPollInterval;
                await connection.WaitAsync(interval, cancellationToken);
            }
        }
        finally
        {
            // A pooled connection left listening would buffer notifications nobody reads.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var unlisten = new NpgsqlCommand("unlisten *", connection);
                await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    private async Task ObserveAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Two statements in order, not one: the sequence must be read strictly before the lock holders.
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { new NpgsqlBatchCommand(LastIssuedSql), new NpgsqlBatchCommand(AppendsInFlightSql) },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var lastIssued = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var inFlight = reader.GetFieldValue<string[]>(0);
        await reader.DisposeAsync();
        Publish(tracker.Observe(lastIssued, inFlight));
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
