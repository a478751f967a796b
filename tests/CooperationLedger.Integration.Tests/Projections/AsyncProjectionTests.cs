using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

public sealed class AsyncProjectionTests(PostgresServer server)
{
    private const string Name = "visit-counts";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_daemon_catches_up_with_a_backlog_and_applies_every_event_once()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var streams = Enumerable.Range(0, 20).Select(_ => Guid.CreateVersion7()).ToList();
        AppendResult last = null!;
        for (var round = 0; round < 25; round++)
        {
            foreach (var streamId in streams)
            {
                last = await database.Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Any, Visits(5), Recorder, Cancellation);
            }
        }

        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)], ProjectionHost.FastOptions with { BatchSize = 300 });
        host.StartDaemon();
        await host.Engine.WaitForNonStaleAsync(Name, last.LastSequence, TimeSpan.FromSeconds(30), Cancellation);

        Assert.Equal(await VisitCounts.CommittedVisitSequencesAsync(host), await VisitCounts.AppliedSequencesAsync(host, Name));
        Assert.Equal(25 * 15, await VisitCounts.AttendeesAsync(host, Name, streams[7]));
    }

    [Fact]
    public async Task Events_appended_while_the_daemon_runs_are_projected_within_a_second()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)]);
        host.StartDaemon();
        await host.WaitUntilLeadingAsync(Name, TimeSpan.FromSeconds(5));
        var streamId = Guid.CreateVersion7();

        foreach (var attendees in Enumerable.Range(1, 10))
        {
            var appended = await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Any, [Visit(attendees: attendees)], Recorder, Cancellation);
            await host.Engine.WaitForNonStaleAsync(Name, appended.LastSequence, TimeSpan.FromSeconds(1), Cancellation);
        }

        Assert.Equal(55, await VisitCounts.AttendeesAsync(host, Name, streamId));
        Assert.Equal(0, await VisitCounts.DuplicatesAsync(host, Name));
    }

    [Fact]
    public async Task With_notifications_on_an_append_wakes_the_daemon_long_before_its_next_poll()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var options = ProjectionHost.FastOptions with { NotifyOnAppend = true, FeedPollInterval = TimeSpan.FromSeconds(30), InFlightPollInterval = TimeSpan.FromSeconds(30) };
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)], options);
        host.StartDaemon();
        await host.WaitUntilLeadingAsync(Name, TimeSpan.FromSeconds(5));
        await Task.Delay(300, Cancellation);

        var appended = await host.Engine.AppendWithInlineProjectionsAsync(Guid.CreateVersion7(), PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 3)], Recorder, Cancellation);

        await host.Engine.WaitForNonStaleAsync(Name, appended.LastSequence, TimeSpan.FromSeconds(2), Cancellation);
    }

    [Fact]
    public async Task Status_reports_mode_position_lag_and_state_for_every_projection()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var streamId = Guid.CreateVersion7();
        var appended = await database.Store.StartStreamAsync(streamId, PartnershipStream, Visits(40), Recorder, Cancellation);
        await using var host = new ProjectionHost(database,
        [
            new VisitCountProjection(Name, ProjectionMode.Async),
            new VisitCountProjection("inline-counts", ProjectionMode.Inline),
            new VisitCountProjection("live-counts", ProjectionMode.Live),
        ]);
        await host.Engine.EnsureStorageAsync(Cancellation);
        await Task.Delay(50, Cancellation);

        var before = (await host.Engine.GetStatusAsync(Cancellation)).ToDictionary(status => status.Name);
        Assert.Equal(ProjectionMode.Async, before[Name].Mode);
        Assert.Equal(ProjectionState.Stopped, before[Name].State);
        Assert.Equal(0, before[Name].Position);
        Assert.Equal(appended.LastSequence, before[Name].HeadSequence);
        Assert.Equal(40, before[Name].LagEvents);
        Assert.True(before[Name].LagSeconds >= 0.05, $"lag {before[Name].LagSeconds} s");
        Assert.Equal(ProjectionMode.Live, before["live-counts"].Mode);
        Assert.Equal(ProjectionState.Running, before["live-counts"].State);
        Assert.Equal(0, before["live-counts"].LagEvents);
        Assert.Equal(ProjectionState.Rebuilding, before["inline-counts"].State);

        host.StartDaemon();
        await host.Engine.WaitForNonStaleAsync(Name, appended.LastSequence, TimeSpan.FromSeconds(10), Cancellation);
        var after = await host.Engine.GetStatusAsync(Name, Cancellation);
        Assert.Equal(ProjectionState.Running, after.State);
        Assert.Equal(appended.LastSequence, after.Position);
        Assert.Equal(0, after.LagEvents);
        Assert.Equal(0, after.LagSeconds);
        Assert.Null(after.LastError);
    }

    [Fact]
    public async Task Waiting_for_a_sequence_the_projection_does_not_reach_times_out_saying_where_it_stands()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)]);
        await host.Engine.EnsureStorageAsync(Cancellation);
        var appended = await database.Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(3), Recorder, Cancellation);

        var started = DateTime.UtcNow;
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => host.Engine.WaitForNonStaleAsync(Name, appended.LastSequence, TimeSpan.FromMilliseconds(300), Cancellation));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5));
        Assert.Contains($"reached sequence 0, not {appended.LastSequence}", timeout.Message);
    }

    [Fact]
    public async Task Unknown_projection_names_fail_with_their_own_error()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)]);
        await host.Engine.EnsureStorageAsync(Cancellation);

        var error = await Assert.ThrowsAsync<UnknownProjectionException>(() => host.Engine.StartRebuildAsync("no-such-projection", Cancellation));
        Assert.Equal("no-such-projection", error.Name);
        await Assert.ThrowsAsync<UnknownProjectionException>(() => host.Engine.WaitForNonStaleAsync("no-such-projection", 1, TimeSpan.FromSeconds(1), Cancellation));
        Assert.Throws<UnknownProjectionException>(() => host.Engine.ActiveTable("no-such-projection", "streams"));
    }
}
