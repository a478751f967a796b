using System.Diagnostics;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

/// <summary>
/// <see cref="ProjectionEngineOptions.MinimumBatchInterval"/>: a steady stream of appends is applied in few batches,
/// and a reader waiting for its position is not kept waiting by the pause.
/// </summary>
public sealed class BatchPacingTests(PostgresServer server)
{
    private const string Name = "visit-counts";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_steady_stream_of_appends_is_applied_in_at_most_one_batch_per_interval()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var batches = 0;
        var projection = new VisitCountProjection(Name, ProjectionMode.Async)
        {
            BeforeApply = (_, _) =>
            {
                Interlocked.Increment(ref batches);
                return Task.CompletedTask;
            },
        };
        await using var host = new ProjectionHost(
            database, [projection], ProjectionHost.FastOptions with { MinimumBatchInterval = TimeSpan.FromMilliseconds(400) });
        host.StartDaemon();
        await host.WaitUntilLeadingAsync(Name, TimeSpan.FromSeconds(5));

        var (appends, last) = await AppendSteadilyForTwoSecondsAsync(host);
        var appliedWhileAppending = Volatile.Read(ref batches);
        await host.Engine.WaitForNonStaleAsync(Name, last.LastSequence, TimeSpan.FromSeconds(5), Cancellation);

        // About 2 s / 400 ms batches, the first at once; without the pause a batch follows each look at the feed, about
        // one per append here.
        Assert.True(appends >= 20, $"only {appends} appends in 2 s");
        Assert.InRange(appliedWhileAppending, 1, 8);
        Assert.Equal(await VisitCounts.CommittedVisitSequencesAsync(host), await VisitCounts.AppliedSequencesAsync(host, Name));
    }

    [Fact]
    public async Task Between_paced_batches_the_daemon_does_not_poll_the_head_of_the_feed()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        using var commands = new CommandCounter("ledger.feed_head");
        await using var daemonDataSource = new NpgsqlDataSourceBuilder(ProjectionHost.ConnectionString(database)).UseLoggerFactory(commands).Build();
        await using var host = new ProjectionHost(
            database,
            [new VisitCountProjection(Name, ProjectionMode.Async)],
            ProjectionHost.FastOptions with { MinimumBatchInterval = TimeSpan.FromMilliseconds(400) },
            daemonDataSource: daemonDataSource);
        host.StartDaemon();
        await host.WaitUntilLeadingAsync(Name, TimeSpan.FromSeconds(5));

        var before = commands.Count;
        var (_, last) = await AppendSteadilyForTwoSecondsAsync(host);
        var polls = commands.Count - before;
        await host.Engine.WaitForNonStaleAsync(Name, last.LastSequence, TimeSpan.FromSeconds(5), Cancellation);

        // About one look per batch (2 s / 400 ms); polling every 20 ms, and every 5 ms while appends were in flight,
        // would have made it a hundred or more.
        Assert.InRange(polls, 1, 20);
        Assert.Equal(await VisitCounts.CommittedVisitSequencesAsync(host), await VisitCounts.AppliedSequencesAsync(host, Name));
    }

    [Fact]
    public async Task A_reader_waiting_for_a_position_cuts_the_pause_short()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = new ProjectionHost(
            database,
            [new VisitCountProjection(Name, ProjectionMode.Async)],
            ProjectionHost.FastOptions with { MinimumBatchInterval = TimeSpan.FromSeconds(60) });
        host.StartDaemon();
        await host.WaitUntilLeadingAsync(Name, TimeSpan.FromSeconds(5));
        var first = await host.Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(1), Recorder, Cancellation);
        await host.Engine.WaitForNonStaleAsync(Name, first.LastSequence, TimeSpan.FromSeconds(5), Cancellation);

        // The leader now pauses for a minute before its next batch, unless someone waits for it.
        var second = await host.Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(1), Recorder, Cancellation);
        await Task.Delay(300, Cancellation);
        Assert.True((await host.Engine.GetStatusAsync(Name, Cancellation)).Position < second.LastSequence, "the second append was applied without a pause");

        await host.Engine.WaitForNonStaleAsync(Name, second.LastSequence, TimeSpan.FromSeconds(5), Cancellation);
        Assert.Equal(await VisitCounts.CommittedVisitSequencesAsync(host), await VisitCounts.AppliedSequencesAsync(host, Name));
    }

    /// <summary>A visit in a new stream every 10 ms or so for 2 s: how many, and the last.</summary>
    private static async Task<(int Appends, AppendResult Last)> AppendSteadilyForTwoSecondsAsync(ProjectionHost host)
    {
        var appending = Stopwatch.StartNew();
        var appends = 0;
        AppendResult last;
        do
        {
            last = await host.Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(1), Recorder, Cancellation);
            appends++;
            await Task.Delay(10, Cancellation);
        }
        while (appending.Elapsed < TimeSpan.FromSeconds(2));

        return (appends, last);
    }
}

/// <summary>Counts the commands a data source completes whose text contains <paramref name="text"/>, from Npgsql's log.</summary>
internal sealed class CommandCounter(string text) : ILoggerFactory, ILogger
{
    private int count;

    public int Count => Volatile.Read(ref count);

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var message = formatter(state, exception);
        if (message.StartsWith("Command execution completed", StringComparison.Ordinal) && message.Contains(text, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref count);
        }
    }

    public void Dispose()
    {
    }
}
