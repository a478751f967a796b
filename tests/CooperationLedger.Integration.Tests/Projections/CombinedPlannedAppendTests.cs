using System.Security.Cryptography;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using Npgsql;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

/// <summary>
/// Planned appends that wait while another is in flight go together: one call of ledger.append_group and one write
/// per projection for all of them, in one transaction. A group the database refuses is sent again one append at a
/// time, so each append gets the answer it would have had alone.
/// </summary>
public sealed class CombinedPlannedAppendTests(PostgresServer server)
{
    private const string Name = "planned-attendees";

    // The generations stay cached, so that an append is planned and waiting before its call first yields.
    private static readonly ProjectionEngineOptions OneRoundTripAtATime = ProjectionHost.FastOptions with
    {
        PlannedAppendsInFlight = 1,
        ActiveGenerationCacheDuration = TimeSpan.FromHours(1),
    };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Appends_waiting_together_are_stored_in_one_transaction_with_their_rows_and_a_valid_chain()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var projection = new PlannedAttendeesProjection(Name);
        await using var host = await StartAsync(database, projection);
        var existing = await StartStreamsAsync(host, 3);
        var started = Enumerable.Range(0, 3).Select(_ => Guid.CreateVersion7()).ToArray();

        var (results, group) = await WhileOneAppendIsHeldAsync(host, projection,
            [.. existing.Select(streamId => (streamId, ExpectedVersion.Exactly(1), (IReadOnlyList<NewEvent>)[Visit(attendees: 3)])),
             .. started.Select(streamId => (streamId, ExpectedVersion.NoStream, (IReadOnlyList<NewEvent>)[Visit(attendees: 4), Visit(attendees: 6)]))]);

        Assert.Equal(6, group);
        var stored = results.Select(result => Assert.IsType<AppendResult>(result)).ToArray();
        Assert.Equal([2, 2, 2, 2, 2, 2], stored.Select(result => result.LastVersion));
        foreach (var result in stored)
        {
            Assert.Single(result.Events.Select(appended => appended.RecordedAt).Distinct());
            Assert.Equal(result.Events.OrderBy(appended => appended.Version).Select(appended => appended.Sequence), result.Events.Select(appended => appended.Sequence).Order());
        }

        Assert.Equal(1L, await TransactionsThatWroteAsync(host, stored));
        Assert.True((await host.Store.VerifyAllAsync(Cancellation)).Valid);
        foreach (var streamId in existing)
        {
            Assert.Equal((8, 2), await projection.RowAsync(host, streamId, Cancellation));
        }

        foreach (var streamId in started)
        {
            Assert.Equal((10, 2), await projection.RowAsync(host, streamId, Cancellation));
        }

        Assert.Empty(projection.Applied);
        // Three streams started, the held stream started and appended to, and the group.
        Assert.Equal(3 + 2 + 6, projection.Committed.Count);
    }

    [Fact]
    public async Task Single_events_to_existing_streams_waiting_together_are_stored_in_one_transaction_and_chained()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var projection = new PlannedAttendeesProjection(Name);
        await using var host = await StartAsync(database, projection);
        var streams = await StartStreamsAsync(host, 4);

        var (results, group) = await WhileOneAppendIsHeldAsync(host, projection,
            [.. streams.Select((streamId, index) => (streamId, ExpectedVersion.Exactly(1), (IReadOnlyList<NewEvent>)[Visit(attendees: index)]))]);

        Assert.Equal(4, group);
        var stored = results.Select(result => Assert.IsType<AppendResult>(result)).ToArray();
        Assert.Equal([2, 2, 2, 2], stored.Select(result => result.LastVersion));
        Assert.Equal(1L, await TransactionsThatWroteAsync(host, stored));
        Assert.True((await host.Store.VerifyAllAsync(Cancellation)).Valid);
        Assert.Equal(new (long, long)[] { (5, 2), (6, 2), (7, 2), (8, 2) }, await Task.WhenAll(streams.Select(streamId => projection.RowAsync(host, streamId, Cancellation))));
    }

    [Fact]
    public async Task A_group_the_database_refuses_is_sent_again_one_by_one_and_only_the_refused_appends_fail()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var streams = Enumerable.Range(0, 5).Select(_ => Guid.CreateVersion7()).Order().ToArray();
        var (good, poisoned, stale, builtOnOther, alsoGood) = (streams[0], streams[1], streams[2], streams[3], streams[4]);
        var projection = new PlannedAttendeesProjection(Name) { BuiltOn = append => append.StreamId == builtOnOther && append.PreviousVersion > 0 ? RandomNumberGenerator.GetBytes(32) : null };
        await using var host = await StartAsync(database, projection);
        foreach (var streamId in streams)
        {
            await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5)], Recorder, Cancellation);
        }

        var (results, group) = await WhileOneAppendIsHeldAsync(host, projection,
        [
            (good, ExpectedVersion.Exactly(1), [Visit(attendees: 1)]),
            (poisoned, ExpectedVersion.Exactly(1), [Visit(VisitCountProjection.PoisonOrganisation)]),
            (stale, ExpectedVersion.Exactly(4), [Visit(attendees: 1)]),
            (builtOnOther, ExpectedVersion.Exactly(1), [Visit(attendees: 2)]),
            (alsoGood, ExpectedVersion.Exactly(1), [Visit(attendees: 3)]),
        ]);

        Assert.Equal(5, group);
        Assert.Equal(2, Assert.IsType<AppendResult>(results[0]).LastVersion);
        Assert.Equal(PostgresErrorCodes.DivisionByZero, Assert.IsType<PostgresException>(results[1]).SqlState);
        Assert.Equal(1, Assert.IsType<ConcurrencyException>(results[2]).Actual);
        var usualWay = Assert.IsType<AppendResult>(results[3]);
        Assert.Equal(2, Assert.IsType<AppendResult>(results[4]).LastVersion);

        Assert.Equal(usualWay.LastSequence, Assert.Single(projection.Applied)[^1].Sequence);
        Assert.Equal(new (long, long)[] { (6, 2), (5, 1), (5, 1), (7, 2), (8, 2) }, await Task.WhenAll(streams.Select(streamId => projection.RowAsync(host, streamId, Cancellation))));
        Assert.Equal(new long[] { 2, 1, 1, 2, 2 }, await Task.WhenAll(streams.Select(async streamId => (await host.Store.GetStreamStateAsync(streamId, Cancellation))!.Version)));
        Assert.True((await host.Store.VerifyAllAsync(Cancellation)).Valid);
    }

    [Fact]
    public async Task Appends_to_one_stream_never_share_a_group_and_each_is_decided_on_the_version_before_it()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var projection = new PlannedAttendeesProjection(Name);
        await using var host = await StartAsync(database, projection);
        var streamId = (await StartStreamsAsync(host, 1))[0];
        var other = (await StartStreamsAsync(host, 1))[0];

        var (results, group) = await WhileOneAppendIsHeldAsync(host, projection,
        [
            (streamId, ExpectedVersion.Exactly(1), [Visit(attendees: 1)]),
            (streamId, ExpectedVersion.Exactly(2), [Visit(attendees: 2)]),
            (other, ExpectedVersion.Exactly(1), [Visit(attendees: 3)]),
        ]);

        // The first append to the stream went with the other stream's; the second waited for it and then went alone.
        Assert.Equal(2, group);
        Assert.Equal([1, 2, 1], projection.WrittenGroups.TakeLast(3));
        Assert.Equal(new long[] { 2, 3, 2 }, results.Select(result => Assert.IsType<AppendResult>(result).LastVersion));
        Assert.Equal((8, 3), await projection.RowAsync(host, streamId, Cancellation));
    }

    [Fact]
    public async Task Many_writers_on_many_streams_lose_nothing_and_leave_a_valid_chain_whatever_groups_they_fall_into()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var projection = new PlannedAttendeesProjection(Name);
        await using var host = await StartAsync(database, projection);
        var streams = await StartStreamsAsync(host, 12);

        // Two writers per stream, so that appends also collide and are decided again on the version that won.
        await Task.WhenAll(streams.Concat(streams).Select((streamId, writer) =>
            Task.Run(() => host.AppendAgainOnConflictAsync(streamId, entries: 10, attendees: writer < streams.Length ? 1 : 2, Cancellation), Cancellation)));

        Assert.Contains(projection.WrittenGroups, size => size > 1);
        foreach (var streamId in streams)
        {
            Assert.Equal((5 + 10 + 20, 21), await projection.RowAsync(host, streamId, Cancellation));
        }

        Assert.Equal(12 * 21, (await host.Store.ReadAllAsync(0, 1_000, Cancellation)).Count);
        Assert.True((await host.Store.VerifyAllAsync(Cancellation)).Valid);
        Assert.Empty(projection.Applied);
    }

    [Fact]
    public async Task Two_processes_grouping_appends_to_the_same_streams_lose_nothing_and_leave_a_valid_chain()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var first = await StartAsync(database, new PlannedAttendeesProjection(Name));
        await using var second = new ProjectionHost(database, [new PlannedAttendeesProjection(Name)], OneRoundTripAtATime, "second-process");
        var rows = new PlannedAttendeesProjection(Name);
        var streams = await StartStreamsAsync(first, 8);

        // Each process remembers only the folds it committed, so the other's appends make its plans stale: refused as a
        // group, sent again one by one, decided again on the version that won.
        await Task.WhenAll(streams.SelectMany(streamId => new[] { first, second }.Select(host =>
            Task.Run(() => host.AppendAgainOnConflictAsync(streamId, entries: 10, attendees: 1, Cancellation), Cancellation))));

        foreach (var streamId in streams)
        {
            Assert.Equal((5 + 20, 21), await rows.RowAsync(first, streamId, Cancellation));
        }

        Assert.Equal(8 * 21, (await first.Store.ReadAllAsync(0, 1_000, Cancellation)).Count);
        Assert.True((await first.Store.VerifyAllAsync(Cancellation)).Valid);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public async Task The_engine_refuses_options_that_would_never_send_a_planned_append(int inFlight, int groupSize)
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=localhost");
        var store = new LedgerEventStore(dataSource, TestEventTypes.CreateRegistry());

        var error = Assert.Throws<ArgumentException>(() => new ProjectionEngine(
            dataSource, store, [], new ProjectionEngineOptions { PlannedAppendsInFlight = inFlight, PlannedAppendGroupSize = groupSize }));

        Assert.Contains("at least one", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Holds the row of a stream of its own so that an append to it stays in flight, lets <paramref name="appends"/>
    /// plan and wait behind it, then releases it. Returns each append's result or exception, and how many plans the
    /// projection's last write before those that followed the group covered.
    /// </summary>
    private static async Task<(object[] Results, int FirstGroup)> WhileOneAppendIsHeldAsync(
        ProjectionHost host, PlannedAttendeesProjection projection, (Guid StreamId, ExpectedVersion Expected, IReadOnlyList<NewEvent> Events)[] appends)
    {
        var held = (await StartStreamsAsync(host, 1))[0];
        var writesBefore = projection.WrittenGroups.Count;
        Task<AppendResult> heldAppend;
        Task<object>[] waiting;
        await using (var holder = await host.DataSource.OpenConnectionAsync(Cancellation))
        await using (var transaction = await holder.BeginTransactionAsync(Cancellation))
        {
            await using (var lockRow = new NpgsqlCommand("select from ledger.streams where id = $1 for update", holder, transaction) { Parameters = { new() { Value = held } } })
            {
                await lockRow.ExecuteNonQueryAsync(Cancellation);
            }

            var plansBefore = projection.PlansMade;
            heldAppend = host.Engine.AppendWithInlineProjectionsAsync(held, PartnershipStream, ExpectedVersion.Exactly(1), [Visit(attendees: 1)], Recorder, Cancellation);
            await Eventually.HoldsAsync(() => Task.FromResult(projection.WrittenGroups.Count > writesBefore), TimeSpan.FromSeconds(10), "the held append to be sent");
            waiting = [.. appends.Select(append => OutcomeAsync(host.Engine.AppendWithInlineProjectionsAsync(append.StreamId, PartnershipStream, append.Expected, append.Events, Recorder, Cancellation)))];
            await Eventually.HoldsAsync(() => Task.FromResult(projection.PlansMade == plansBefore + 1 + appends.Length), TimeSpan.FromSeconds(10), "every append to be planned");
            Assert.False(heldAppend.IsCompleted);
            await transaction.RollbackAsync(Cancellation);
        }

        await heldAppend;
        var results = await Task.WhenAll(waiting);
        return (results, projection.WrittenGroups.ElementAt(writesBefore + 1));
    }

    private static async Task<long> TransactionsThatWroteAsync(ProjectionHost host, AppendResult[] stored)
    {
        await using var transactions = host.DataSource.CreateCommand("select count(distinct xmin::text) from ledger.events where event_id = any($1)");
        transactions.Parameters.Add(new() { Value = stored.SelectMany(result => result.Events.Select(appended => appended.EventId)).ToArray() });
        return (long)(await transactions.ExecuteScalarAsync(Cancellation))!;
    }

    private static async Task<object> OutcomeAsync(Task<AppendResult> append)
    {
        try
        {
            return await append;
        }
        catch (Exception failure)
        {
            return failure;
        }
    }

    private static async Task<Guid[]> StartStreamsAsync(ProjectionHost host, int count)
    {
        var streams = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        foreach (var streamId in streams)
        {
            await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5)], Recorder, Cancellation);
        }

        return streams;
    }

    private static async Task<ProjectionHost> StartAsync(LedgerDatabase database, PlannedAttendeesProjection projection)
    {
        var host = new ProjectionHost(database, [projection], OneRoundTripAtATime);
        await host.Engine.EnsureStorageAsync(Cancellation);
        return host;
    }
}
