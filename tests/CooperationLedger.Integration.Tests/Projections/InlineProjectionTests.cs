using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

public sealed class InlineProjectionTests(PostgresServer server)
{
    private const string Name = "visit-counts";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_read_right_after_an_append_through_the_engine_sees_the_read_model_updated()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Inline)]);
        await host.Engine.EnsureStorageAsync(Cancellation);
        var streamId = Guid.CreateVersion7();

        var first = await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5), Visit(attendees: 7)], Recorder, Cancellation);
        Assert.Equal(12, await VisitCounts.AttendeesAsync(host, Name, streamId));

        await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(2), [Visit(attendees: 1)], Recorder, Cancellation);
        Assert.Equal(13, await VisitCounts.AttendeesAsync(host, Name, streamId));
        Assert.Equal([first.Events[0].Sequence, first.Events[1].Sequence, first.Events[1].Sequence + 1], await VisitCounts.AppliedSequencesAsync(host, Name));
    }

    [Fact]
    public async Task Concurrent_appends_each_project_exactly_their_own_events()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Inline)]);
        await host.Engine.EnsureStorageAsync(Cancellation);
        var streams = Enumerable.Range(0, 8).Select(_ => Guid.CreateVersion7()).ToList();

        // Concurrent appends draw sequence values in turns, so one append's sequences can straddle another's.
        await Task.WhenAll(streams.Select(streamId => Task.Run(async () =>
        {
            for (var round = 0; round < 30; round++)
            {
                await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Any, Visits(3), Recorder, Cancellation);
            }
        }, Cancellation)));

        Assert.Equal(await VisitCounts.CommittedVisitSequencesAsync(host), await VisitCounts.AppliedSequencesAsync(host, Name));
        foreach (var streamId in streams)
        {
            Assert.Equal(30 * 6, await VisitCounts.AttendeesAsync(host, Name, streamId));
        }
    }

    [Fact]
    public async Task A_projection_that_throws_rolls_the_append_back()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Inline)]);
        await host.Engine.EnsureStorageAsync(Cancellation);
        var streamId = Guid.CreateVersion7();
        await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5)], Recorder, Cancellation);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Engine.AppendWithInlineProjectionsAsync(
            streamId, PartnershipStream, ExpectedVersion.Exactly(1), [Visit(attendees: 3), Visit(VisitCountProjection.PoisonOrganisation)], Recorder, Cancellation));

        Assert.Contains(VisitCountProjection.PoisonOrganisation, error.Message);
        Assert.Single(await host.Store.ReadStreamAsync(streamId, cancellationToken: Cancellation));
        Assert.Equal(1, (await host.Store.GetStreamStateAsync(streamId, Cancellation))!.Version);
        Assert.Equal(5, await VisitCounts.AttendeesAsync(host, Name, streamId));
        Assert.Equal(1, await VisitCounts.AppliedAsync(host, Name));
    }

    [Fact]
    public async Task A_failed_append_changes_no_read_model()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Inline)]);
        await host.Engine.EnsureStorageAsync(Cancellation);
        var streamId = Guid.CreateVersion7();
        await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5)], Recorder, Cancellation);

        await Assert.ThrowsAsync<ConcurrencyException>(() => host.Engine.AppendWithInlineProjectionsAsync(
            streamId, PartnershipStream, ExpectedVersion.Exactly(7), [Visit(attendees: 3)], Recorder, Cancellation));

        Assert.Equal(5, await VisitCounts.AttendeesAsync(host, Name, streamId));
    }

    [Fact]
    public async Task A_retried_append_with_the_same_idempotency_key_is_projected_once()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Inline)]);
        await host.Engine.EnsureStorageAsync(Cancellation);
        var streamId = Guid.CreateVersion7();
        var keyed = Recorder with { IdempotencyKey = "visit-2024-03-14" };

        var first = await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Any, [Visit(attendees: 4)], keyed, Cancellation);
        var retry = await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Any, [Visit(attendees: 4)], keyed, Cancellation);

        Assert.True(retry.WasDuplicate);
        Assert.Equal(first.LastSequence, retry.LastSequence);
        Assert.Equal(4, await VisitCounts.AttendeesAsync(host, Name, streamId));
    }

    [Fact]
    public async Task Ensuring_storage_twice_from_two_engines_creates_each_table_once()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var first = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Inline)]);
        await using var second = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Inline)]);

        await Task.WhenAll(first.Engine.EnsureStorageAsync(Cancellation), second.Engine.EnsureStorageAsync(Cancellation));
        await first.Engine.EnsureStorageAsync(Cancellation);

        Assert.Equal(2L, await database.ScalarAsync<long>("select count(*) from pg_tables where schemaname = 'projections'"));
        Assert.Equal("projections.\"visit_counts__streams__g0\"", first.Engine.ActiveTable(Name, "streams"));
    }

    [Fact]
    public async Task A_new_inline_projection_on_a_ledger_with_history_is_built_by_a_rebuild()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var streamId = Guid.CreateVersion7();
        await database.Store.StartStreamAsync(streamId, PartnershipStream, [Visit(attendees: 2), Visit(attendees: 3)], Recorder, Cancellation);
        await using var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Inline)]);
        host.StartDaemon();

        await Eventually.HoldsAsync(async () => (await host.Engine.GetStatusAsync(Name, Cancellation)).State == ProjectionState.Running && host.Engine.ActiveTable(Name, "streams").EndsWith("g1\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the rebuild to swap in");

        Assert.Equal(5, await VisitCounts.AttendeesAsync(host, Name, streamId));
    }
}
