using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

public sealed class RebuildTests(PostgresServer server)
{
    private const string Name = "visit-counts";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_rebuild_fills_a_new_generation_while_readers_use_the_old_one_then_swaps_it_in()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var streams = Enumerable.Range(0, 30).Select(_ => Guid.CreateVersion7()).ToList();
        AppendResult last = null!;
        for (var round = 0; round < 10; round++)
        {
            foreach (var streamId in streams)
            {
                last = await database.Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Any, Visits(10), Recorder, Cancellation);
            }
        }

        using var rebuildPages = new SemaphoreSlim(0);
        var projection = new VisitCountProjection(Name, ProjectionMode.Async)
        {
            BeforeApply = (context, cancellation) => context.Generation > 0 ? rebuildPages.WaitAsync(cancellation) : Task.CompletedTask,
        };
        await using var host = new ProjectionHost(database, [projection], ProjectionHost.FastOptions with { RebuildBatchSize = 500 });
        host.StartDaemon();
        await host.Engine.WaitForNonStaleAsync(Name, last.LastSequence, TimeSpan.FromSeconds(20), Cancellation);

        var started = await host.Engine.StartRebuildAsync(Name, Cancellation);

        Assert.Equal(ProjectionState.Rebuilding, started.State);
        Assert.NotNull(started.Rebuild);
        Assert.Equal(0, started.Rebuild.EventsDone);
        Assert.Equal(3000, started.Rebuild.EventsTotal);
        Assert.EndsWith("__g0\"", host.Engine.ActiveTable(Name, "streams"));
        Assert.Equal(55 * 10, await VisitCounts.AttendeesAsync(host, Name, streams[3]));

        rebuildPages.Release(2);
        await Eventually.HoldsAsync(async () => (await host.Engine.GetStatusAsync(Name, Cancellation)).Rebuild?.EventsDone == 1000, TimeSpan.FromSeconds(10), "two rebuild pages");
        var progress = (await host.Engine.GetStatusAsync(Name, Cancellation)).Rebuild!;
        Assert.Equal(3000, progress.EventsTotal);
        Assert.True(progress.EventsPerSecond > 0);
        Assert.NotNull(progress.EstimatedRemaining);

        // The leader keeps following the feed between rebuild pages, so the current generation stays fresh.
        var extra = await host.Engine.AppendWithInlineProjectionsAsync(streams[3], PartnershipStream, ExpectedVersion.Any, [Visit(attendees: 1000)], Recorder, Cancellation);
        // Let the rebuild go a page at a time (at most three, which leaves its final page held back).
        for (var page = 0; page < 3 && (await host.Engine.GetStatusAsync(Name, Cancellation)).Position < extra.LastSequence; page++)
        {
            rebuildPages.Release(1);
            await Task.Delay(300, Cancellation);
        }

        await host.Engine.WaitForNonStaleAsync(Name, extra.LastSequence, TimeSpan.FromSeconds(1), Cancellation);
        Assert.Equal(ProjectionState.Rebuilding, (await host.Engine.GetStatusAsync(Name, Cancellation)).State);
        Assert.EndsWith("__g0\"", host.Engine.ActiveTable(Name, "streams"));
        Assert.Equal((55 * 10) + 1000, await VisitCounts.AttendeesAsync(host, Name, streams[3]));

        rebuildPages.Release(1000);
        await Eventually.HoldsAsync(async () => (await host.Engine.GetStatusAsync(Name, Cancellation)) is { State: ProjectionState.Running, Rebuild: null }, TimeSpan.FromSeconds(10), "the swap");

        Assert.EndsWith("__g1\"", host.Engine.ActiveTable(Name, "streams"));
        Assert.Equal((55 * 10) + 1000, await VisitCounts.AttendeesAsync(host, Name, streams[3]));
        Assert.Equal(await VisitCounts.CommittedVisitSequencesAsync(host), await VisitCounts.AppliedSequencesAsync(host, Name));
        await Eventually.HoldsAsync(
            async () => await database.ScalarAsync<long>("select count(*) from pg_tables where schemaname = 'projections' and tablename like '%\\_\\_g0'") == 0,
            TimeSpan.FromSeconds(5),
            "the old generation to be dropped");
    }

    [Fact]
    public async Task A_rebuild_interrupted_by_a_change_of_leader_resumes_where_it_stood()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var streamId = Guid.CreateVersion7();
        AppendResult last = null!;
        for (var round = 0; round < 20; round++)
        {
            last = await database.Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Any, Visits(100), Recorder, Cancellation);
        }

        using var pagesForA = new SemaphoreSlim(0);
        var options = ProjectionHost.FastOptions with { RebuildBatchSize = 500 };
        var hostA = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)
        {
            BeforeApply = (context, cancellation) => context.Generation > 0 ? pagesForA.WaitAsync(cancellation) : Task.CompletedTask,
        }], options, applicationName: "host-a");
        await using (hostA)
        {
            hostA.StartDaemon();
            await hostA.Engine.WaitForNonStaleAsync(Name, last.LastSequence, TimeSpan.FromSeconds(10), Cancellation);
            await hostA.Engine.StartRebuildAsync(Name, Cancellation);
            pagesForA.Release(2);
            await Eventually.HoldsAsync(async () => (await hostA.Engine.GetStatusAsync(Name, Cancellation)).Rebuild?.EventsDone == 1000, TimeSpan.FromSeconds(10), "host A's first two pages");
            await hostA.StopDaemonAsync();
        }

        var pagesSeenByB = new List<long>();
        await using var hostB = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)
        {
            BeforeApply = (context, _) =>
            {
                if (context.Generation > 0)
                {
                    lock (pagesSeenByB)
                    {
                        pagesSeenByB.Add(context.Generation);
                    }
                }

                return Task.CompletedTask;
            },
        }], options, applicationName: "host-b");
        hostB.StartDaemon();
        await Eventually.HoldsAsync(async () => (await hostB.Engine.GetStatusAsync(Name, Cancellation)) is { State: ProjectionState.Running, Rebuild: null }, TimeSpan.FromSeconds(10), "host B to finish the rebuild");

        // The status shows the swap once it commits; the leader tells this process's cache of the active generation just after.
        await Eventually.HoldsAsync(async () => (await hostB.Engine.ActiveTableAsync(Name, "streams", Cancellation)).EndsWith("__g1\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "host B to read the rebuilt table");
        Assert.Equal(await VisitCounts.CommittedVisitSequencesAsync(hostB), await VisitCounts.AppliedSequencesAsync(hostB, Name));
        // 2,000 events in pages of 500, 1,000 of them done by host A: host B applied the other two pages, not four.
        Assert.Equal(2, pagesSeenByB.Count);
    }

    [Fact]
    public async Task An_inline_projection_rebuilt_while_appends_continue_misses_and_doubles_nothing()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Inline)], ProjectionHost.FastOptions with { RebuildBatchSize = 200 });
        host.StartDaemon();
        await host.WaitUntilLeadingAsync(Name, TimeSpan.FromSeconds(5));
        var streams = Enumerable.Range(0, 8).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var streamId in streams)
        {
            await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Any, Visits(100), Recorder, Cancellation);
        }

        using var stopWriters = new CancellationTokenSource();
        var writers = streams.Select(streamId => Task.Run(async () =>
        {
            var appended = 0;
            while (!stopWriters.IsCancellationRequested)
            {
                await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Any, Visits(2), Recorder, Cancellation);
                appended++;
            }

            return appended;
        }, Cancellation)).ToList();

        await Task.Delay(200, Cancellation);
        await host.Engine.StartRebuildAsync(Name, Cancellation);
        await Eventually.HoldsAsync(async () => (await host.Engine.GetStatusAsync(Name, Cancellation)).State == ProjectionState.Running, TimeSpan.FromSeconds(20), "the swap");
        await Task.Delay(200, Cancellation);
        await stopWriters.CancelAsync();
        var appendsDuringRebuild = (await Task.WhenAll(writers)).Sum();

        Assert.True(appendsDuringRebuild > 0);
        Assert.EndsWith("__g1\"", host.Engine.ActiveTable(Name, "applied"));
        Assert.Equal(await VisitCounts.CommittedVisitSequencesAsync(host), await VisitCounts.AppliedSequencesAsync(host, Name));
    }

    [Fact]
    public async Task A_live_projection_has_nothing_to_rebuild()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = new ProjectionHost(database, [new VisitCountProjection("live-counts", ProjectionMode.Live)]);
        await host.Engine.EnsureStorageAsync(Cancellation);

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Engine.StartRebuildAsync("live-counts", Cancellation));
    }
}
