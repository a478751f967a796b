using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

/// <summary>Two "hosts" (engines with their own data sources, as two service processes would have) over one database.</summary>
public sealed class LeaderTakeoverTests(PostgresServer server)
{
    private const string Name = "visit-counts";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Only_one_of_two_hosts_leads_and_the_other_takes_over_when_it_stops()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var hostA = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)], applicationName: "host-a");
        await using var hostB = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)], applicationName: "host-b");
        hostA.StartDaemon();
        await hostA.WaitUntilLeadingAsync(Name, TimeSpan.FromSeconds(5));
        hostB.StartDaemon();
        var streamId = Guid.CreateVersion7();
        var first = await hostB.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Any, Visits(10), Recorder, Cancellation);
        await hostB.Engine.WaitForNonStaleAsync(Name, first.LastSequence, TimeSpan.FromSeconds(5), Cancellation);
        await Task.Delay(500, Cancellation);
        Assert.True(hostA.Engine.IsLeading(Name));
        Assert.False(hostB.Engine.IsLeading(Name));

        await hostA.StopDaemonAsync();
        var second = await hostB.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Any, Visits(10), Recorder, Cancellation);

        var took = await Eventually.HoldsAsync(() => Task.FromResult(hostB.Engine.IsLeading(Name)), TimeSpan.FromSeconds(5), "host B to take over");
        await hostB.Engine.WaitForNonStaleAsync(Name, second.LastSequence, TimeSpan.FromSeconds(5), Cancellation);
        Assert.True(took < TimeSpan.FromSeconds(3), $"takeover took {took.TotalSeconds:0.0} s");
        Assert.Equal(110, await VisitCounts.AttendeesAsync(hostB, Name, streamId));
        Assert.Equal(0, await VisitCounts.DuplicatesAsync(hostB, Name));
        Assert.Equal(ProjectionState.Running, (await hostB.Engine.GetStatusAsync(Name, Cancellation)).State);
    }

    [Fact]
    public async Task When_the_leaders_connections_die_without_letting_go_another_host_takes_over_within_seconds()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        // Host A stands for a process that died: once its sessions are killed it stays away.
        var slowToRecover = ProjectionHost.FastOptions with { ErrorRetryInterval = TimeSpan.FromMinutes(1) };
        await using var hostA = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)], slowToRecover, applicationName: "host-a");
        await using var hostB = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)], applicationName: "host-b");
        hostA.StartDaemon();
        await hostA.WaitUntilLeadingAsync(Name, TimeSpan.FromSeconds(5));
        hostB.StartDaemon();
        var streamId = Guid.CreateVersion7();
        var first = await hostB.Store.StartStreamAsync(streamId, PartnershipStream, Visits(4), Recorder, Cancellation);
        await hostB.Engine.WaitForNonStaleAsync(Name, first.LastSequence, TimeSpan.FromSeconds(5), Cancellation);

        // Only this test's database: other test classes run hosts of the same name in theirs on the same cluster.
        await database.ExecuteAsync("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'host-a' and datname = current_database()");
        var second = await hostB.Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(4), Visits(4), Recorder, Cancellation);

        var took = await Eventually.HoldsAsync(() => Task.FromResult(hostB.Engine.IsLeading(Name)), TimeSpan.FromSeconds(5), "host B to take over");
        await hostB.Engine.WaitForNonStaleAsync(Name, second.LastSequence, TimeSpan.FromSeconds(5), Cancellation);
        Assert.True(took < TimeSpan.FromSeconds(3), $"takeover took {took.TotalSeconds:0.0} s");
        // Host A finds out at its next round trip; until then its dead connection could not write anyway.
        await Eventually.HoldsAsync(() => Task.FromResult(!hostA.Engine.IsLeading(Name)), TimeSpan.FromSeconds(2), "host A to notice it lost the lead");
        Assert.Equal(20, await VisitCounts.AttendeesAsync(hostB, Name, streamId));
        Assert.Equal(0, await VisitCounts.DuplicatesAsync(hostB, Name));
    }
}
