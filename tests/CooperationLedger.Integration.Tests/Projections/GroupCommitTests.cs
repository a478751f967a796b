using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using Npgsql;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

/// <summary>
/// Appends with inline projections that arrive while another is being written share the next transaction. Each test
/// holds the first append on a row lock, queues the rest behind it (one writer at a time), then lets go, so the
/// grouping is certain rather than left to timing.
/// </summary>
public sealed class GroupCommitTests(PostgresServer server)
{
    private const string Name = "visit-counts";

    private static readonly ProjectionEngineOptions OneWriter = ProjectionHost.FastOptions with { MaxConcurrentAppendGroups = 1 };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Appends_queued_behind_a_transaction_commit_together_and_each_gets_its_own_result()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = await StartAsync(database);
        var streams = Enumerable.Range(0, 10).Select(_ => Guid.CreateVersion7()).ToList();

        var (blocked, queued) = await QueueBehindBlockedAppendAsync(database, host, streams.Select(streamId => Append(host, streamId, ExpectedVersion.NoStream, Visit(attendees: 2))).ToList);
        var results = await Task.WhenAll(queued);
        await blocked;

        Assert.Equal(streams, results.Select(result => result.StreamId));
        Assert.All(results, result => Assert.Equal(1, result.LastVersion));
        Assert.Equal(1L, await database.ScalarAsync<long>($"select count(distinct xmin::text) from ledger.events where stream_id in ({string.Join(", ", streams.Select(id => $"'{id}'"))})"));
        foreach (var streamId in streams)
        {
            Assert.Equal(2, await VisitCounts.AttendeesAsync(host, Name, streamId));
        }
    }

    [Fact]
    public async Task An_append_the_database_refuses_fails_alone_and_the_rest_of_its_group_commits()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = await StartAsync(database);
        var existing = Guid.CreateVersion7();
        await Append(host, existing, ExpectedVersion.NoStream, Visit(attendees: 1));
        var fresh = Enumerable.Range(0, 4).Select(_ => Guid.CreateVersion7()).ToList();

        var (blocked, queued) = await QueueBehindBlockedAppendAsync(database, host, () =>
        [
            Append(host, fresh[0], ExpectedVersion.NoStream, Visit(attendees: 3)),
            Append(host, existing, ExpectedVersion.Exactly(7), Visit(attendees: 50)),
            Append(host, fresh[1], ExpectedVersion.NoStream, Visit(attendees: 3)),
            Append(host, fresh[2], ExpectedVersion.NoStream, Visit(attendees: 3)),
            Append(host, fresh[3], ExpectedVersion.NoStream, Visit(attendees: 3)),
        ]);
        await blocked;

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => queued[1]);
        Assert.Equal(1, conflict.Actual);
        foreach (var index in new[] { 0, 2, 3, 4 })
        {
            Assert.Equal(1, (await queued[index]).LastVersion);
        }

        Assert.Equal(1, await VisitCounts.AttendeesAsync(host, Name, existing));
        Assert.Equal(1, (await host.Store.GetStreamStateAsync(existing, Cancellation))!.Version);
        Assert.Equal(1L, await database.ScalarAsync<long>($"select count(distinct xmin::text) from ledger.events where stream_id in ({string.Join(", ", fresh.Select(id => $"'{id}'"))})"));
    }

    [Fact]
    public async Task A_projection_failing_on_one_append_of_a_group_rolls_back_only_that_append()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = await StartAsync(database);
        var streams = Enumerable.Range(0, 4).Select(_ => Guid.CreateVersion7()).ToList();

        var (blocked, queued) = await QueueBehindBlockedAppendAsync(database, host, () =>
        [
            Append(host, streams[0], ExpectedVersion.NoStream, Visit(attendees: 4)),
            Append(host, streams[1], ExpectedVersion.NoStream, Visit(VisitCountProjection.PoisonOrganisation)),
            Append(host, streams[2], ExpectedVersion.NoStream, Visit(attendees: 4)),
            Append(host, streams[3], ExpectedVersion.NoStream, Visit(attendees: 4)),
        ]);
        await blocked;

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => queued[1]);
        Assert.Contains(VisitCountProjection.PoisonOrganisation, failure.Message);
        Assert.Null(await host.Store.GetStreamStateAsync(streams[1], Cancellation));
        foreach (var streamId in new[] { streams[0], streams[2], streams[3] })
        {
            Assert.Equal(4, await VisitCounts.AttendeesAsync(host, Name, streamId));
        }
    }

    [Fact]
    public async Task Two_queued_appends_to_one_stream_are_written_in_arrival_order_and_a_stale_one_is_refused()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = await StartAsync(database);
        var streamId = Guid.CreateVersion7();
        await Append(host, streamId, ExpectedVersion.NoStream, Visit(attendees: 1));

        var (blocked, queued) = await QueueBehindBlockedAppendAsync(database, host, () =>
        [
            Append(host, streamId, ExpectedVersion.Any, Visit(attendees: 10)),
            Append(host, streamId, ExpectedVersion.Any, Visit(attendees: 100)),
            Append(host, streamId, ExpectedVersion.Exactly(1), Visit(attendees: 1000)),
        ]);
        await blocked;

        Assert.Equal(2, (await queued[0]).LastVersion);
        Assert.Equal(3, (await queued[1]).LastVersion);
        await Assert.ThrowsAsync<ConcurrencyException>(() => queued[2]);
        Assert.Equal(111, await VisitCounts.AttendeesAsync(host, Name, streamId));
        Assert.Equal([1, 10, 100], (await host.Store.ReadStreamAsync(streamId, cancellationToken: Cancellation)).Select(recorded => ((VisitHeld)recorded.Data).Attendees));
    }

    [Fact]
    public async Task An_append_whose_caller_gave_up_while_it_waited_is_not_written()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = await StartAsync(database);
        var kept = Guid.CreateVersion7();
        var abandoned = Guid.CreateVersion7();
        using var giveUp = new CancellationTokenSource();

        var (blocked, queued) = await QueueBehindBlockedAppendAsync(database, host, () =>
        [
            Append(host, kept, ExpectedVersion.NoStream, Visit(attendees: 5)),
            host.Engine.AppendWithInlineProjectionsAsync(abandoned, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5)], Recorder, giveUp.Token),
        ], beforeRelease: giveUp.CancelAsync);
        await blocked;

        Assert.Equal(1, (await queued[0]).LastVersion);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued[1]);
        Assert.Null(await host.Store.GetStreamStateAsync(abandoned, Cancellation));
    }

    private static async Task<ProjectionHost> StartAsync(LedgerDatabase database)
    {
        var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Inline)], OneWriter);
        await host.Engine.EnsureStorageAsync(Cancellation);
        return host;
    }

    private static Task<AppendResult> Append(ProjectionHost host, Guid streamId, ExpectedVersion expected, NewEvent visit) =>
        host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, expected, [visit], Recorder, Cancellation);

    /// <summary>
    /// Starts an append to a stream whose row another session holds locked, waits until the database shows it
    /// waiting, queues the appends <paramref name="queue"/> starts, and lets the first one go.
    /// </summary>
    private static async Task<(Task<AppendResult> Blocked, IReadOnlyList<Task<AppendResult>> Queued)> QueueBehindBlockedAppendAsync(
        LedgerDatabase database, ProjectionHost host, Func<IReadOnlyList<Task<AppendResult>>> queue, Func<Task>? beforeRelease = null)
    {
        var blocker = Guid.CreateVersion7();
        await Append(host, blocker, ExpectedVersion.NoStream, Visit(attendees: 1));
        await using var holder = await database.DataSource.OpenConnectionAsync(Cancellation);
        await using var transaction = await holder.BeginTransactionAsync(Cancellation);
        await using (var lockRow = new NpgsqlCommand($"select 1 from ledger.streams where id = '{blocker}' for update", holder, transaction))
        {
            await lockRow.ExecuteNonQueryAsync(Cancellation);
        }

        var blocked = Append(host, blocker, ExpectedVersion.Exactly(1), Visit(attendees: 1));
        await Eventually.HoldsAsync(
            async () => await database.ScalarAsync<long>($"select count(*) from pg_stat_activity where datname = current_database() and application_name = '{host.ApplicationName}' and wait_event_type = 'Lock'") == 1,
            TimeSpan.FromSeconds(10),
            "the first append to wait on the locked stream row");
        var queued = queue();
        if (beforeRelease is not null)
        {
            await beforeRelease();
        }

        await transaction.RollbackAsync(Cancellation);
        return (blocked, queued);
    }
}
