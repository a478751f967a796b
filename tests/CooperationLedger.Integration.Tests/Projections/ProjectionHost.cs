using System.Diagnostics;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using Npgsql;

namespace CooperationLedger.Integration.Tests.Projections;

/// <summary>
/// One "service process" for projection tests: its own data source (named, so its sessions can be told apart in
/// <c>pg_stat_activity</c>), a store, an engine, and the daemon running in the background until stopped.
/// </summary>
public sealed class ProjectionHost : IAsyncDisposable
{
    private CancellationTokenSource? daemonStop;
    private Task? daemon;

    public ProjectionHost(
        LedgerDatabase database,
        IReadOnlyList<IProjection> projections,
        ProjectionEngineOptions? options = null,
        string applicationName = "projection-tests",
        NpgsqlDataSource? plannedAppendDataSource = null,
        NpgsqlDataSource? daemonDataSource = null)
    {
        DataSource = NpgsqlDataSource.Create(ConnectionString(database, applicationName));
        Store = new LedgerEventStore(DataSource, TestEventTypes.CreateRegistry());
        Engine = new ProjectionEngine(DataSource, Store, projections, options ?? FastOptions, plannedAppendDataSource, daemonDataSource);
        ApplicationName = applicationName;
    }

    /// <summary>Short intervals, so that tests of seconds-scale behaviour run in well under a second each.</summary>
    public static ProjectionEngineOptions FastOptions { get; } = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(100),
        InFlightPollInterval = TimeSpan.FromMilliseconds(5),
        LeadershipRetryInterval = TimeSpan.FromMilliseconds(200),
        ErrorRetryInterval = TimeSpan.FromMilliseconds(200),
        RetiredGenerationGracePeriod = TimeSpan.FromMilliseconds(300),
        ActiveGenerationCacheDuration = TimeSpan.FromMilliseconds(50),
    };

    public string ApplicationName { get; }

    public static string ConnectionString(LedgerDatabase database, string applicationName = "projection-tests")
    {
        ArgumentNullException.ThrowIfNull(database);
        return new NpgsqlConnectionStringBuilder(database.ConnectionString) { ApplicationName = applicationName, IncludeErrorDetail = true }.ConnectionString;
    }

    public NpgsqlDataSource DataSource { get; }

    public LedgerEventStore Store { get; }

    public ProjectionEngine Engine { get; }

    public void StartDaemon()
    {
        daemonStop = new CancellationTokenSource();
        daemon = Engine.RunDaemonAsync(daemonStop.Token);
    }

    public async Task StopDaemonAsync()
    {
        if (daemon is null || daemonStop is null)
        {
            return;
        }

        await daemonStop.CancelAsync();
        await daemon;
        daemonStop.Dispose();
        daemon = null;
        daemonStop = null;
    }

    /// <summary>
    /// Appends <paramref name="entries"/> visits to a stream one at a time through the engine, each at the version it
    /// reads first, and again after every conflict with another writer.
    /// </summary>
    public async Task AppendAgainOnConflictAsync(Guid streamId, int entries, int attendees, CancellationToken cancellationToken)
    {
        for (var appended = 0; appended < entries;)
        {
            var version = (await Store.GetStreamStateAsync(streamId, cancellationToken))!.Version;
            try
            {
                await Engine.AppendWithInlineProjectionsAsync(streamId, LedgerEvents.PartnershipStream, ExpectedVersion.Exactly(version), [LedgerEvents.Visit(attendees: attendees)], LedgerEvents.Recorder, cancellationToken);
                appended++;
            }
            catch (ConcurrencyException)
            {
            }
        }
    }

    public async Task WaitUntilLeadingAsync(string projection, TimeSpan timeout) =>
        await Eventually.HoldsAsync(() => Task.FromResult(Engine.IsLeading(projection)), timeout, $"{ApplicationName} to lead {projection}");

    public async ValueTask DisposeAsync()
    {
        await StopDaemonAsync();
        await DataSource.DisposeAsync();
    }
}

public static class Eventually
{
    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {what}.");
            }

            await Task.Delay(10);
        }

        return Stopwatch.GetElapsedTime(started);
    }
}

/// <summary>Reads a <see cref="VisitCountProjection"/>'s current generation.</summary>
public static class VisitCounts
{
    public static async Task<long> AppliedAsync(ProjectionHost host, string projection) =>
        await ScalarAsync<long>(host, $"select count(*) from {await host.Engine.ActiveTableAsync(projection, "applied")}");

    /// <summary>Applications beyond the first of any event: must always be zero.</summary>
    public static async Task<long> DuplicatesAsync(ProjectionHost host, string projection) =>
        await ScalarAsync<long>(host, $"select count(*) - count(distinct sequence) from {await host.Engine.ActiveTableAsync(projection, "applied")}");

    public static async Task<List<long>> AppliedSequencesAsync(ProjectionHost host, string projection)
    {
        await using var command = host.DataSource.CreateCommand($"select sequence from {await host.Engine.ActiveTableAsync(projection, "applied")} order by sequence");
        await using var reader = await command.ExecuteReaderAsync();
        var sequences = new List<long>();
        while (await reader.ReadAsync())
        {
            sequences.Add(reader.GetInt64(0));
        }

        return sequences;
    }

    public static async Task<long> AttendeesAsync(ProjectionHost host, string projection, Guid streamId) =>
        await ScalarAsync<long>(host, $"select coalesce(sum(attendees), 0)::bigint from {await host.Engine.ActiveTableAsync(projection, "streams")} where stream_id = '{streamId}'");

    /// <summary>Every visit the ledger holds, by sequence: what a correct projection must have applied, once each.</summary>
    public static async Task<List<long>> CommittedVisitSequencesAsync(ProjectionHost host)
    {
        await using var command = host.DataSource.CreateCommand("select sequence from ledger.events where type = 'visit-held' order by sequence");
        await using var reader = await command.ExecuteReaderAsync();
        var sequences = new List<long>();
        while (await reader.ReadAsync())
        {
            sequences.Add(reader.GetInt64(0));
        }

        return sequences;
    }

    private static async Task<T> ScalarAsync<T>(ProjectionHost host, string sql)
    {
        await using var command = host.DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
