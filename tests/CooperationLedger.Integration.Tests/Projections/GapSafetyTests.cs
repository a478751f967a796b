using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using Npgsql;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

/// <summary>The three ways a naive feed reader goes wrong, from the issue, each against the real daemon.</summary>
public sealed class GapSafetyTests(PostgresServer server)
{
    private const string Name = "visit-counts";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_late_commit_of_a_lower_sequence_is_projected_exactly_once()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = await StartAsync(database);
        var processedBefore = await host.Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(2), Recorder, Cancellation);
        await host.Engine.WaitForNonStaleAsync(Name, processedBefore.LastSequence, TimeSpan.FromSeconds(5), Cancellation);

        await using var lateConnection = await database.DataSource.OpenConnectionAsync(Cancellation);
        await using var late = await lateConnection.BeginTransactionAsync(Cancellation);
        var lateStream = Guid.CreateVersion7();
        var lower = await host.Store.AppendAsync(late, lateStream, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 100)], Recorder, Cancellation);
        var higher = await host.Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(3), Recorder, Cancellation);
        Assert.True(higher.FirstSequence > lower.LastSequence);

        // Committed events above the open append must wait: moving past them would skip the lower one for good.
        await Task.Delay(500, Cancellation);
        var held = await host.Engine.GetStatusAsync(Name, Cancellation);
        Assert.True(held.Position < lower.FirstSequence, $"position {held.Position} passed the in-flight sequence {lower.FirstSequence}");
        Assert.DoesNotContain(higher.FirstSequence, await VisitCounts.AppliedSequencesAsync(host, Name));

        await late.CommitAsync(Cancellation);
        await host.Engine.WaitForNonStaleAsync(Name, higher.LastSequence, TimeSpan.FromSeconds(2), Cancellation);

        Assert.Equal(await VisitCounts.CommittedVisitSequencesAsync(host), await VisitCounts.AppliedSequencesAsync(host, Name));
        Assert.Equal(100, await VisitCounts.AttendeesAsync(host, Name, lateStream));
    }

    [Fact]
    public async Task An_append_left_open_holds_back_only_the_events_above_its_own_sequence()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = await StartAsync(database);
        // The slow append is seen in flight from before the first one draws its sequences, so every candidate mark
        // the daemon takes meanwhile includes it: only the run of committed sequences can let the first one through.
        await using var slowConnection = await database.DataSource.OpenConnectionAsync(Cancellation);
        await using var slow = await slowConnection.BeginTransactionAsync(Cancellation);
        await ScalarAsync<object>(slowConnection, slow, $"select pg_advisory_xact_lock_shared({LedgerAdvisoryLocks.Append})");
        await Task.Delay(50, Cancellation);
        await using var firstConnection = await database.DataSource.OpenConnectionAsync(Cancellation);
        await using var first = await firstConnection.BeginTransactionAsync(Cancellation);
        var lower = await host.Store.AppendAsync(first, Guid.CreateVersion7(), PartnershipStream, ExpectedVersion.NoStream, Visits(2), Recorder, Cancellation);
        var higher = await host.Store.AppendAsync(slow, Guid.CreateVersion7(), PartnershipStream, ExpectedVersion.NoStream, Visits(1), Recorder, Cancellation);
        Assert.True(higher.FirstSequence > lower.LastSequence);

        await first.CommitAsync(Cancellation);

        await host.Engine.WaitForNonStaleAsync(Name, lower.LastSequence, TimeSpan.FromSeconds(1), Cancellation);
        await Task.Delay(200, Cancellation);
        Assert.True((await host.Engine.GetStatusAsync(Name, Cancellation)).Position < higher.FirstSequence);
        await slow.CommitAsync(Cancellation);
        await host.Engine.WaitForNonStaleAsync(Name, higher.LastSequence, TimeSpan.FromSeconds(1), Cancellation);
        Assert.Equal(await VisitCounts.CommittedVisitSequencesAsync(host), await VisitCounts.AppliedSequencesAsync(host, Name));
    }

    [Fact]
    public async Task A_hole_left_by_a_rolled_back_append_is_passed_within_a_second()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = await StartAsync(database);
        var streamId = Guid.CreateVersion7();

        await using (var connection = await database.DataSource.OpenConnectionAsync(Cancellation))
        await using (var doomed = await connection.BeginTransactionAsync(Cancellation))
        {
            await host.Store.AppendAsync(doomed, Guid.CreateVersion7(), PartnershipStream, ExpectedVersion.NoStream, Visits(3), Recorder, Cancellation);
            await doomed.RollbackAsync(Cancellation);
        }

        var after = await host.Store.StartStreamAsync(streamId, PartnershipStream, [Visit(attendees: 9)], Recorder, Cancellation);
        Assert.Equal(4, after.FirstSequence);

        var took = await Eventually.HoldsAsync(async () => (await VisitCounts.AppliedSequencesAsync(host, Name)).Contains(after.FirstSequence), TimeSpan.FromSeconds(1), "the event after the hole");
        Assert.True(took < TimeSpan.FromSeconds(1), $"took {took.TotalMilliseconds:0} ms");
        Assert.Equal([after.FirstSequence], await VisitCounts.AppliedSequencesAsync(host, Name));
    }

    [Fact]
    public async Task A_hole_at_the_head_is_passed_within_a_second_even_with_nothing_after_it()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = await StartAsync(database);
        var before = await host.Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(1), Recorder, Cancellation);
        await host.Engine.WaitForNonStaleAsync(Name, before.LastSequence, TimeSpan.FromSeconds(5), Cancellation);

        await using (var connection = await database.DataSource.OpenConnectionAsync(Cancellation))
        await using (var doomed = await connection.BeginTransactionAsync(Cancellation))
        {
            await host.Store.AppendAsync(doomed, Guid.CreateVersion7(), PartnershipStream, ExpectedVersion.NoStream, Visits(2), Recorder, Cancellation);
            await doomed.RollbackAsync(Cancellation);
        }

        var took = await Eventually.HoldsAsync(async () => (await host.Engine.GetStatusAsync(Name, Cancellation)) is { LagEvents: 0, Position: var position } && position == before.LastSequence + 2, TimeSpan.FromSeconds(1), "the position to pass the hole");
        Assert.True(took < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task An_idle_in_transaction_session_that_never_appended_does_not_hold_the_daemon_back()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await database.ExecuteAsync("create table public.unrelated_work (id integer primary key, note text)");
        await using var host = await StartAsync(database);

        await using var idleConnection = await database.DataSource.OpenConnectionAsync(Cancellation);
        await using var idle = await idleConnection.BeginTransactionAsync(Cancellation);
        await using (var write = new NpgsqlCommand("insert into public.unrelated_work values (1, 'left open')", idleConnection, idle))
        {
            await write.ExecuteNonQueryAsync(Cancellation);
        }

        var idleTransaction = await ScalarAsync<long>(idleConnection, idle, "select pg_current_xact_id()::text::bigint");
        var appended = await host.Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(5), Recorder, Cancellation);

        var took = await Eventually.HoldsAsync(async () => (await host.Engine.GetStatusAsync(Name, Cancellation)).Position >= appended.LastSequence, TimeSpan.FromSeconds(1), "the daemon to pass the idle session");
        Assert.True(took < TimeSpan.FromSeconds(1));
        Assert.Equal(5, (await VisitCounts.AppliedSequencesAsync(host, Name)).Count);
        // The design the issue warns about would be stuck here: the idle writer holds the snapshot xmin back.
        await using var observer = await database.DataSource.OpenConnectionAsync(Cancellation);
        Assert.Equal("idle in transaction", await ScalarAsync<string>(observer, null, $"select state from pg_stat_activity where pid = {idleConnection.ProcessID}"));
        Assert.True(await ScalarAsync<long>(observer, null, "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint") <= idleTransaction);
    }

    [Fact]
    public async Task An_append_left_open_in_another_database_of_the_cluster_does_not_hold_the_daemon_back()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var neighbour = await LedgerDatabase.CreateAsync(server);
        await using var host = await StartAsync(database);
        await using var neighbourConnection = await neighbour.DataSource.OpenConnectionAsync(Cancellation);
        await using var neighbourAppend = await neighbourConnection.BeginTransactionAsync(Cancellation);
        await neighbour.Store.AppendAsync(neighbourAppend, Guid.CreateVersion7(), PartnershipStream, ExpectedVersion.NoStream, Visits(1), Recorder, Cancellation);

        var appended = await host.Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(2), Recorder, Cancellation);

        await host.Engine.WaitForNonStaleAsync(Name, appended.LastSequence, TimeSpan.FromSeconds(1), Cancellation);
        Assert.Equal(ProjectionState.Running, (await host.Engine.GetStatusAsync(Name, Cancellation)).State);
    }

    [Fact]
    public async Task Concurrent_appends_that_commit_late_or_roll_back_are_each_projected_exactly_once()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = await StartAsync(database);
        var random = new Random(20240401);
        var delays = Enumerable.Range(0, 8 * 25).Select(_ => random.Next(0, 40)).ToArray();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var round = 0; round < 25; round++)
            {
                var delay = delays[(writer * 25) + round];
                await using var connection = await database.DataSource.OpenConnectionAsync(Cancellation);
                await using var transaction = await connection.BeginTransactionAsync(Cancellation);
                await host.Store.AppendAsync(transaction, Guid.CreateVersion7(), PartnershipStream, ExpectedVersion.NoStream, Visits(1 + (delay % 3)), Recorder, Cancellation);
                await Task.Delay(delay, Cancellation);
                if (delay % 5 == 0)
                {
                    await transaction.RollbackAsync(Cancellation);
                }
                else
                {
                    await transaction.CommitAsync(Cancellation);
                }
            }
        }, Cancellation)));

        var head = await database.ScalarAsync<long>("select max(sequence) from ledger.events");
        await host.Engine.WaitForNonStaleAsync(Name, head, TimeSpan.FromSeconds(10), Cancellation);
        Assert.Equal(await VisitCounts.CommittedVisitSequencesAsync(host), await VisitCounts.AppliedSequencesAsync(host, Name));
    }

    [Fact]
    public async Task The_sequence_shows_every_value_issued_even_by_uncommitted_transactions()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        const string lastIssued = "select case when is_called then last_value else last_value - 1 end from ledger.event_sequence";
        Assert.Equal(0L, await database.ScalarAsync<long>(lastIssued));
        Assert.False(await database.ScalarAsync<bool>("select is_called from ledger.event_sequence"));

        await using var connection = await database.DataSource.OpenConnectionAsync(Cancellation);
        await using var open = await connection.BeginTransactionAsync(Cancellation);
        var appended = await database.Store.AppendAsync(open, Guid.CreateVersion7(), PartnershipStream, ExpectedVersion.NoStream, Visits(3), Recorder, Cancellation);

        // Read from another session while the append is still open: the value is there already.
        Assert.Equal(appended.LastSequence, await database.ScalarAsync<long>(lastIssued));
        Assert.Equal(1L, await database.ScalarAsync<long>($"""
            select count(*) from pg_locks
             where locktype = 'advisory' and classid = {LedgerAdvisoryLocks.ClassId} and objid = {LedgerAdvisoryLocks.AppendObjectId}
               and objsubid = 1 and granted and pid = {connection.ProcessID}
            """));
        await open.RollbackAsync(Cancellation);
        Assert.Equal(appended.LastSequence, await database.ScalarAsync<long>(lastIssued));
    }

    private static async Task<ProjectionHost> StartAsync(LedgerDatabase database)
    {
        var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)]);
        host.StartDaemon();
        await host.WaitUntilLeadingAsync(Name, TimeSpan.FromSeconds(5));
        return host;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (T)(await command.ExecuteScalarAsync(Cancellation))!;
    }
}
