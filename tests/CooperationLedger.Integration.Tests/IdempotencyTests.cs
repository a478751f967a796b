using CooperationLedger.EventStore;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests;

public sealed class IdempotencyTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    private const int RacingAttempts = 16;

    private LedgerEventStore Store => database.Store;

    [Fact]
    public async Task A_retry_with_a_used_key_returns_the_original_result_and_writes_nothing()
    {
        var streamId = Guid.CreateVersion7();
        await Store.StartStreamAsync(streamId, PartnershipStream, Visits(1), Recorder, TestContext.Current.CancellationToken);
        var keyed = Recorder with { IdempotencyKey = "visit-2024-03-14" };
        var original = await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(1), Visits(2), keyed, TestContext.Current.CancellationToken);
        var eventsBefore = await CountEventsAsync();

        // A retry after a lost response: new event ids, a stale expected version, even other data.
        var retry = await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(1), Visits(3, "Another"), keyed, TestContext.Current.CancellationToken);

        Assert.False(original.WasDuplicate);
        Assert.True(retry.WasDuplicate);
        AssertSameEvents(original, retry);
        Assert.Equal(eventsBefore, await CountEventsAsync());
        Assert.Equal(3, (await Store.GetStreamStateAsync(streamId, TestContext.Current.CancellationToken))!.Version);
    }

    [Fact]
    public async Task Retrying_a_stream_start_with_its_key_returns_the_original_instead_of_failing()
    {
        var streamId = Guid.CreateVersion7();
        var keyed = Recorder with { IdempotencyKey = "start-1" };
        var original = await Store.StartStreamAsync(streamId, PartnershipStream, Visits(2), keyed, TestContext.Current.CancellationToken);

        var retry = await Store.StartStreamAsync(streamId, PartnershipStream, Visits(2), keyed, TestContext.Current.CancellationToken);

        Assert.True(retry.WasDuplicate);
        AssertSameEvents(original, retry);
        await Assert.ThrowsAsync<StreamAlreadyExistsException>(() =>
            Store.StartStreamAsync(streamId, PartnershipStream, Visits(2), Recorder with { IdempotencyKey = "start-2" }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_key_is_scoped_to_its_stream()
    {
        var keyed = Recorder with { IdempotencyKey = "same-key" };
        var first = await Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(1), keyed, TestContext.Current.CancellationToken);

        var second = await Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(1), keyed, TestContext.Current.CancellationToken);

        Assert.False(second.WasDuplicate);
        Assert.NotEqual(first.Events[0].EventId, second.Events[0].EventId);
    }

    [Fact]
    public async Task Racing_tries_with_the_same_key_on_a_new_stream_write_once_and_all_see_the_same_result()
    {
        var streamId = Guid.CreateVersion7();

        var results = await RaceAsync(() =>
            Store.StartStreamAsync(streamId, PartnershipStream, Visits(3), Recorder with { IdempotencyKey = "race-new" }, TestContext.Current.CancellationToken));

        AssertOneWriteSeenByAll(results);
        Assert.Equal(3, await CountEventsAsync(streamId));
        Assert.Equal(3, (await Store.GetStreamStateAsync(streamId, TestContext.Current.CancellationToken))!.Version);
    }

    [Fact]
    public async Task Racing_tries_with_the_same_key_and_expected_version_on_an_existing_stream_write_once()
    {
        var streamId = Guid.CreateVersion7();
        await Store.StartStreamAsync(streamId, PartnershipStream, Visits(2), Recorder, TestContext.Current.CancellationToken);

        var results = await RaceAsync(() =>
            Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(2), Visits(2), Recorder with { IdempotencyKey = "race-existing" }, TestContext.Current.CancellationToken));

        AssertOneWriteSeenByAll(results);
        Assert.Equal([3L, 4L], results[0].Events.Select(appended => appended.Version));
        Assert.Equal(4, await CountEventsAsync(streamId));
    }

    private static async Task<AppendResult[]> RaceAsync(Func<Task<AppendResult>> append)
    {
        var startingGun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, RacingAttempts)
            .Select(_ => Task.Run(async () =>
            {
                await startingGun.Task;
                return await append();
            }))
            .ToArray();
        startingGun.SetResult();
        return await Task.WhenAll(attempts);
    }

    private static void AssertOneWriteSeenByAll(AppendResult[] results)
    {
        Assert.Equal(RacingAttempts, results.Length);
        var original = Assert.Single(results, result => !result.WasDuplicate);
        Assert.All(results, result => AssertSameEvents(original, result));
    }

    private static void AssertSameEvents(AppendResult expected, AppendResult actual)
    {
        Assert.Equal(expected.StreamId, actual.StreamId);
        Assert.Equal(expected.Events.Select(Describe), actual.Events.Select(Describe));
    }

    private static string Describe(AppendedEvent appended) =>
        $"{appended.EventId} {appended.Sequence} {appended.Version} {Convert.ToHexString(appended.Hash)} {appended.RecordedAt:O}";

    private Task<long> CountEventsAsync() => database.ScalarAsync<long>("select count(*) from ledger.events");

    private Task<long> CountEventsAsync(Guid streamId) =>
        database.ScalarAsync<long>($"select count(*) from ledger.events where stream_id = '{streamId}'");
}
