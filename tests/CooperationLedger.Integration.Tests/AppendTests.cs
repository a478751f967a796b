using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Serialization;
using CooperationLedger.Integration.Tests.Infrastructure;
using Npgsql;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests;

public sealed class AppendTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    private LedgerEventStore Store => database.Store;

    [Fact]
    public async Task Starting_a_stream_numbers_its_events_from_one_and_records_the_stream()
    {
        var streamId = Guid.CreateVersion7();

        var result = await Store.StartStreamAsync(streamId, PartnershipStream, Visits(2), Recorder, TestContext.Current.CancellationToken);

        Assert.False(result.WasDuplicate);
        Assert.Equal([1L, 2L], result.Events.Select(appended => appended.Version));
        Assert.True(result.Events[1].Sequence > result.Events[0].Sequence);
        var state = await Store.GetStreamStateAsync(streamId, TestContext.Current.CancellationToken);
        Assert.NotNull(state);
        Assert.Equal(PartnershipStream, state.Type);
        Assert.Equal(2, state.Version);
        Assert.Equal(result.Events[0].RecordedAt, state.Created);
        Assert.Equal(result.Events[1].RecordedAt, state.Updated);
        Assert.False(state.Archived);
    }

    [Fact]
    public async Task Starting_a_stream_that_exists_fails_with_its_own_error_and_writes_nothing()
    {
        var streamId = Guid.CreateVersion7();
        await Store.StartStreamAsync(streamId, PartnershipStream, Visits(1), Recorder, TestContext.Current.CancellationToken);
        var eventsBefore = await CountEventsAsync();

        var error = await Assert.ThrowsAsync<StreamAlreadyExistsException>(() =>
            Store.StartStreamAsync(streamId, PartnershipStream, Visits(2), Recorder, TestContext.Current.CancellationToken));

        Assert.Equal(streamId, error.StreamId);
        Assert.Equal(eventsBefore, await CountEventsAsync());
        Assert.Equal(1, (await Store.GetStreamStateAsync(streamId, TestContext.Current.CancellationToken))!.Version);
    }

    [Fact]
    public async Task An_append_at_the_expected_version_continues_the_stream()
    {
        var streamId = Guid.CreateVersion7();
        await Store.StartStreamAsync(streamId, PartnershipStream, Visits(2), Recorder, TestContext.Current.CancellationToken);

        var result = await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(2), Visits(3), Recorder, TestContext.Current.CancellationToken);

        Assert.Equal([3L, 4L, 5L], result.Events.Select(appended => appended.Version));
        Assert.Equal(5, result.LastVersion);
        Assert.Equal(5, (await Store.GetStreamStateAsync(streamId, TestContext.Current.CancellationToken))!.Version);
    }

    [Fact]
    public async Task A_version_conflict_states_expected_and_actual_versions_and_writes_nothing()
    {
        var streamId = Guid.CreateVersion7();
        await Store.StartStreamAsync(streamId, PartnershipStream, Visits(3), Recorder, TestContext.Current.CancellationToken);
        var eventsBefore = await CountEventsAsync();
        var sequenceBefore = await database.ScalarAsync<long>("select last_value from ledger.event_sequence");

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() =>
            Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(1), Visits(2), Recorder, TestContext.Current.CancellationToken));

        Assert.Equal(streamId, conflict.StreamId);
        Assert.Equal(1, conflict.Expected);
        Assert.Equal(3, conflict.Actual);
        Assert.Contains("expected at version 1 but is at version 3", conflict.Message);
        Assert.Equal(eventsBefore, await CountEventsAsync());
        Assert.Equal(3, (await Store.GetStreamStateAsync(streamId, TestContext.Current.CancellationToken))!.Version);
        Assert.Equal(sequenceBefore, await database.ScalarAsync<long>("select last_value from ledger.event_sequence"));
    }

    [Fact]
    public async Task Expecting_version_zero_means_the_stream_has_no_events_yet()
    {
        var streamId = Guid.CreateVersion7();
        var first = await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(0), Visits(1), Recorder, TestContext.Current.CancellationToken);

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() =>
            Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(0), Visits(1), Recorder, TestContext.Current.CancellationToken));

        Assert.Equal(1, first.LastVersion);
        Assert.Equal((0L, 1L), (conflict.Expected, conflict.Actual));
    }

    [Fact]
    public async Task An_append_without_expectation_creates_the_stream_or_appends_after_whatever_is_there()
    {
        var streamId = Guid.CreateVersion7();

        var created = await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Any, Visits(2), Recorder, TestContext.Current.CancellationToken);
        var extended = await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Any, Visits(1), Recorder, TestContext.Current.CancellationToken);

        Assert.Equal([1L, 2L], created.Events.Select(appended => appended.Version));
        Assert.Equal([3L], extended.Events.Select(appended => appended.Version));
    }

    [Fact]
    public async Task The_events_of_one_append_are_written_all_or_none()
    {
        var streamId = Guid.CreateVersion7();
        var reusedId = Guid.CreateVersion7();
        var eventsBefore = await CountEventsAsync();
        NewEvent[] events = [Visit() with { EventId = reusedId }, Visit(), Visit() with { EventId = reusedId }];

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            Store.StartStreamAsync(streamId, PartnershipStream, events, Recorder, TestContext.Current.CancellationToken));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        Assert.Equal(eventsBefore, await CountEventsAsync());
        Assert.Null(await Store.GetStreamStateAsync(streamId, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_large_batch_is_appended_in_one_call_with_contiguous_versions()
    {
        const int count = 5_000;
        var streamId = Guid.CreateVersion7();

        var result = await Store.StartStreamAsync(streamId, PartnershipStream, Visits(count), Recorder, TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(1, count).Select(version => (long)version), result.Events.Select(appended => appended.Version));
        Assert.Equal(result.Events.Select(appended => appended.Sequence).Order(), result.Events.Select(appended => appended.Sequence));
        var stored = await Store.ReadStreamAsync(streamId, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(count, stored.Count);
        Assert.Equal(count, ((VisitHeld)stored[^1].Data).Attendees);
        Assert.True((await Store.VerifyStreamAsync(streamId, TestContext.Current.CancellationToken)).Valid);
    }

    [Fact]
    public async Task An_unregistered_event_type_fails_before_the_database_is_contacted()
    {
        // Nothing listens on port 1, so any attempt to reach the database would fail differently.
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=nobody;Timeout=1");
        var store = new LedgerEventStore(unreachable, TestEventTypes.CreateRegistry());

        var error = await Assert.ThrowsAsync<UnregisteredEventTypeException>(() =>
            store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, [new NewEvent(new UnregisteredEvent("x"), OccurredAt.OnDate(new DateOnly(2024, 1, 1)))], Recorder, TestContext.Current.CancellationToken));

        Assert.Equal(typeof(UnregisteredEvent), error.ClrType);
    }

    [Fact]
    public async Task An_append_naming_another_stream_type_is_refused()
    {
        var streamId = Guid.CreateVersion7();
        await Store.StartStreamAsync(streamId, PartnershipStream, Visits(1), Recorder, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<StreamTypeMismatchException>(() =>
            Store.AppendAsync(streamId, "organisation", ExpectedVersion.Any, Visits(1), Recorder, TestContext.Current.CancellationToken));

        Assert.Equal("organisation", error.RequestedType);
        Assert.Equal(1, (await Store.GetStreamStateAsync(streamId, TestContext.Current.CancellationToken))!.Version);
    }

    [Fact]
    public async Task An_append_inside_a_caller_transaction_becomes_visible_on_commit_only()
    {
        var committedStream = Guid.CreateVersion7();
        var rolledBackStream = Guid.CreateVersion7();
        AppendResult committed;
        await using (var connection = await database.DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
            committed = await Store.AppendAsync(transaction, committedStream, PartnershipStream, ExpectedVersion.NoStream, Visits(2), Recorder, TestContext.Current.CancellationToken);
            Assert.Null(await Store.GetStreamStateAsync(committedStream, TestContext.Current.CancellationToken));
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        await using (var connection = await database.DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
            await Store.AppendAsync(transaction, rolledBackStream, PartnershipStream, ExpectedVersion.NoStream, Visits(2), Recorder, TestContext.Current.CancellationToken);
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        var stored = await Store.ReadStreamAsync(committedStream, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(committed.Events.Select(appended => appended.Sequence), stored.Select(recorded => recorded.Sequence));
        Assert.Equal(committed.Events.Select(appended => appended.EventId), stored.Select(recorded => recorded.EventId));
        Assert.Null(await Store.GetStreamStateAsync(rolledBackStream, TestContext.Current.CancellationToken));
        Assert.Empty(await Store.ReadStreamAsync(rolledBackStream, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Events_are_stored_under_their_alias_and_current_schema_version()
    {
        var streamId = Guid.CreateVersion7();
        await Store.StartStreamAsync(streamId, PartnershipStream, [new NewEvent(new PartnerRenamed("Royal Society of Maps", "Royal"), OccurredAt.OnDate(new DateOnly(2023, 5, 1)))], Recorder, TestContext.Current.CancellationToken);

        var stored = Assert.Single(await Store.ReadStreamAsync(streamId, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("partner-renamed", stored.Type);
        Assert.Equal(3, stored.SchemaVersion);
        Assert.Equal(new PartnerRenamed("Royal Society of Maps", "Royal"), stored.Data);
        Assert.Equal(CanonicalJson.Canonicalize("""{"officialName":"Royal Society of Maps","shortName":"Royal"}"""), CanonicalJson.Canonicalize(stored.DataJson));
    }

    private Task<long> CountEventsAsync() => database.ScalarAsync<long>("select count(*) from ledger.events");
}
