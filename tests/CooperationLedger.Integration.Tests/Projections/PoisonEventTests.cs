using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

public sealed class PoisonEventTests(PostgresServer server)
{
    private const string Name = "visit-counts";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_policy_stop_the_projection_stops_before_the_poison_event_as_failed_and_dead_letters_it()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var streamId = Guid.CreateVersion7();
        var appended = await database.Store.StartStreamAsync(streamId, PartnershipStream, [Visit(attendees: 1), Visit(attendees: 2), Visit(VisitCountProjection.PoisonOrganisation), Visit(attendees: 4)], Recorder, Cancellation);
        var poison = appended.Events[2];
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async, PoisonEventPolicy.Stop)]);
        host.StartDaemon();

        await Eventually.HoldsAsync(async () => (await host.Engine.GetStatusAsync(Name, Cancellation)).State == ProjectionState.Failed, TimeSpan.FromSeconds(5), "the projection to fail");

        var status = await host.Engine.GetStatusAsync(Name, Cancellation);
        Assert.Equal(poison.Sequence - 1, status.Position);
        Assert.Contains($"sequence {poison.Sequence}", status.LastError);
        Assert.Contains(VisitCountProjection.PoisonOrganisation, status.LastError);
        Assert.Equal(3, await VisitCounts.AttendeesAsync(host, Name, streamId));
        var letter = Assert.Single(await host.Engine.GetDeadLettersAsync(Name, Cancellation));
        Assert.Equal((poison.Sequence, poison.EventId, "visit-held"), (letter.Sequence, letter.EventId, letter.EventType));
        Assert.Contains(VisitCountProjection.PoisonOrganisation, letter.Error);
        var waiting = await Assert.ThrowsAsync<ProjectionFailedException>(() => host.Engine.WaitForNonStaleAsync(Name, appended.LastSequence, TimeSpan.FromSeconds(5), Cancellation));
        Assert.Equal(poison.Sequence - 1, waiting.Position);

        await Task.Delay(300, Cancellation);
        Assert.Equal(poison.Sequence - 1, (await host.Engine.GetStatusAsync(Name, Cancellation)).Position);
    }

    [Fact]
    public async Task With_policy_skip_the_poison_event_is_dead_lettered_and_the_rest_applied()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var streamId = Guid.CreateVersion7();
        var appended = await database.Store.StartStreamAsync(streamId, PartnershipStream, [Visit(attendees: 1), Visit(attendees: 2), Visit(VisitCountProjection.PoisonOrganisation), Visit(attendees: 4)], Recorder, Cancellation);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async, PoisonEventPolicy.Skip)]);
        host.StartDaemon();

        await host.Engine.WaitForNonStaleAsync(Name, appended.LastSequence, TimeSpan.FromSeconds(5), Cancellation);

        Assert.Equal(7, await VisitCounts.AttendeesAsync(host, Name, streamId));
        var letter = Assert.Single(await host.Engine.GetDeadLettersAsync(Name, Cancellation));
        Assert.Equal(appended.Events[2].Sequence, letter.Sequence);
        Assert.Equal(ProjectionState.Running, (await host.Engine.GetStatusAsync(Name, Cancellation)).State);
    }

    [Fact]
    public async Task An_event_whose_data_cannot_be_read_is_a_poison_event_of_the_projection_that_reads_it()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var streamId = Guid.CreateVersion7();
        await database.Store.StartStreamAsync(streamId, PartnershipStream, [Visit(attendees: 1)], Recorder, Cancellation);
        var unreadable = await database.InsertOldRowAsync(Guid.CreateVersion7(), "no-such-event", 1, """{"x": 1}""");
        var last = await database.Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(1), [Visit(attendees: 4)], Recorder, Cancellation);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async, PoisonEventPolicy.Skip)]);
        host.StartDaemon();

        await host.Engine.WaitForNonStaleAsync(Name, last.LastSequence, TimeSpan.FromSeconds(5), Cancellation);

        Assert.Equal(5, await VisitCounts.AttendeesAsync(host, Name, streamId));
        var letter = Assert.Single(await host.Engine.GetDeadLettersAsync(Name, Cancellation));
        Assert.Equal((unreadable, "no-such-event"), (letter.Sequence, letter.EventType));
        Assert.Contains("not registered", letter.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_projection_resumed_retries_its_poison_event_and_fails_again_visibly()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var appended = await database.Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, [Visit(VisitCountProjection.PoisonOrganisation)], Recorder, Cancellation);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async, PoisonEventPolicy.Stop)]);
        host.StartDaemon();
        await Eventually.HoldsAsync(async () => (await host.Engine.GetStatusAsync(Name, Cancellation)).State == ProjectionState.Failed, TimeSpan.FromSeconds(5), "the projection to fail");

        await host.Engine.ResumeAsync(Name, Cancellation);

        await Eventually.HoldsAsync(async () => (await host.Engine.GetStatusAsync(Name, Cancellation)) is { State: ProjectionState.Failed, LastError: not null }, TimeSpan.FromSeconds(5), "the projection to fail again");
        Assert.Equal(appended.FirstSequence - 1, (await host.Engine.GetStatusAsync(Name, Cancellation)).Position);
        Assert.Single(await host.Engine.GetDeadLettersAsync(Name, Cancellation));
    }
}
