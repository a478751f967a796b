using CooperationLedger.EventStore;
using CooperationLedger.Integration.Tests.Infrastructure;
using Npgsql;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests;

public sealed class AppendOnlyTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>, IAsyncLifetime
{
    private Guid streamId;

    public async ValueTask InitializeAsync()
    {
        streamId = Guid.CreateVersion7();
        await database.Store.StartStreamAsync(streamId, PartnershipStream, Visits(3), Recorder with { IdempotencyKey = "seed" }, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Theory]
    [InlineData("update ledger.events set data = '{\"organisation\":\"Edited\",\"attendees\":1}' where stream_id = '{stream}'")]
    [InlineData("update ledger.events set recorded_by = 'someone else' where stream_id = '{stream}'")]
    [InlineData("delete from ledger.events where stream_id = '{stream}' and version = 2")]
    [InlineData("truncate ledger.events")]
    [InlineData("update ledger.streams set version = version - 1 where id = '{stream}'")]
    [InlineData("update ledger.streams set type = 'organisation' where id = '{stream}'")]
    [InlineData("update ledger.streams set created = created - interval '1 day' where id = '{stream}'")]
    [InlineData("delete from ledger.streams where id = '{stream}'")]
    [InlineData("truncate ledger.streams")]
    [InlineData("delete from ledger.idempotency_keys where stream_id = '{stream}'")]
    [InlineData("update ledger.idempotency_keys set recorded_at = now() where stream_id = '{stream}'")]
    [InlineData("truncate ledger.idempotency_keys")]
    public async Task Rewriting_history_is_refused(string statement)
    {
        var eventsBefore = await database.ScalarAsync<long>("select count(*) from ledger.events");

        var refusal = await Assert.ThrowsAsync<PostgresException>(() => database.ExecuteAsync(statement.Replace("{stream}", streamId.ToString(), StringComparison.Ordinal)));

        Assert.Equal(LedgerSqlStates.AppendOnlyViolation, refusal.SqlState);
        Assert.Contains("ledger", refusal.MessageText);
        Assert.Equal(eventsBefore, await database.ScalarAsync<long>("select count(*) from ledger.events"));
        Assert.True((await database.Store.VerifyStreamAsync(streamId, TestContext.Current.CancellationToken)).Valid);
    }

    [Fact]
    public async Task A_stream_row_may_move_its_version_forward_and_be_archived()
    {
        var changed = await database.ExecuteAsync($"update ledger.streams set version = version + 1, archived = true where id = '{streamId}'");

        var state = await database.Store.GetStreamStateAsync(streamId, TestContext.Current.CancellationToken);
        Assert.Equal(1, changed);
        Assert.Equal(4, state!.Version);
        Assert.True(state.Archived);
    }
}
