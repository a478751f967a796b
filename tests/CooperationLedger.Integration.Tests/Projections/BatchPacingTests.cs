using System.Diagnostics;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
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

        var appliedWhileAppending = Volatile.Read(ref batches);
        await host.Engine.WaitForNonStaleAsync(Name, last.LastSequence, TimeSpan.FromSeconds(5), Cancellation);

        // About 2 s / 400 ms batches, the first at once; without the pause there is one per frontier poll (5 ms here).
        Assert.True(appends >= 20, $"only {appends} appends in 2 s");
        Assert.InRange(appliedWhileAppending, 1, 8);
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
}
