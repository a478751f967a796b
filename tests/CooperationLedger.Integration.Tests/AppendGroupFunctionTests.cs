using System.Security.Cryptography;
using CooperationLedger.EventStore;
using CooperationLedger.Integration.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests;

/// <summary>
/// ledger.append_group called as the engine calls it, but directly: a refused group must name the first rule it
/// breaks and write nothing, because the engine's one-by-one retry hides a wrong answer from every other test.
/// </summary>
public sealed class AppendGroupFunctionTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_group_of_new_and_existing_streams_is_numbered_in_event_order_and_chained_on_each_stream()
    {
        var existing = await StartAsync();
        var started = Guid.CreateVersion7();

        var rows = await AppendGroupAsync(
            new GroupAppend(existing.StreamId, PartnershipStream, 1, existing.Hash, Events: 2),
            new GroupAppend(started, PartnershipStream, 0, null, Events: 3));

        Assert.Equal([2L, 3L, 1L, 2L, 3L], rows.Select(row => row.Version));
        Assert.Equal(rows.Select(row => row.Sequence).Order(), rows.Select(row => row.Sequence));
        Assert.Equal(4, rows[^1].Sequence - rows[0].Sequence);
        Assert.Equal((3L, 3L), (await VersionOfAsync(existing.StreamId), await VersionOfAsync(started)));
        Assert.True(await ChainedAsDocumentedAsync(rows));
    }

    [Fact]
    public async Task A_stream_that_moved_on_is_refused_as_a_version_conflict_before_its_hash_is_looked_at()
    {
        var moved = await StartAsync();
        await database.Store.AppendAsync(moved.StreamId, PartnershipStream, ExpectedVersion.Exactly(1), Visits(1), Recorder, Cancellation);

        await AssertRefusedAsync("LD001",
            new GroupAppend(Guid.CreateVersion7(), PartnershipStream, 0, null, Events: 1),
            new GroupAppend(moved.StreamId, PartnershipStream, 1, moved.Hash, Events: 1));
    }

    [Fact]
    public async Task An_append_to_a_missing_stream_or_one_starting_a_stream_that_exists_is_refused_as_a_version_conflict()
    {
        var existing = await StartAsync();

        await AssertRefusedAsync("LD001", new GroupAppend(Guid.CreateVersion7(), PartnershipStream, 1, null, Events: 1));
        await AssertRefusedAsync("LD001", new GroupAppend(existing.StreamId, PartnershipStream, 0, null, Events: 1));
    }

    [Fact]
    public async Task A_stream_of_another_type_is_refused()
    {
        var existing = await StartAsync();

        await AssertRefusedAsync("LD003", new GroupAppend(existing.StreamId, "another-type", 1, existing.Hash, Events: 1));
    }

    [Fact]
    public async Task A_plan_built_on_another_hash_than_the_stored_one_is_refused()
    {
        var existing = await StartAsync();
        var other = await StartAsync();

        await AssertRefusedAsync("LD006", new GroupAppend(existing.StreamId, PartnershipStream, 1, other.Hash, Events: 1));
    }

    [Fact]
    public async Task A_group_naming_one_stream_twice_is_refused()
    {
        var existing = await StartAsync();

        await AssertRefusedAsync("LD004",
            new GroupAppend(existing.StreamId, PartnershipStream, 1, null, Events: 1),
            new GroupAppend(existing.StreamId, PartnershipStream, 1, null, Events: 1));
    }

    [Fact]
    public async Task Single_events_to_existing_streams_go_through_the_lean_function_numbered_in_order_and_chained()
    {
        var first = await StartAsync();
        var second = await StartAsync();
        await database.Store.AppendAsync(second.StreamId, PartnershipStream, ExpectedVersion.Exactly(1), Visits(1), Recorder, Cancellation);

        var rows = await AppendSingleEventsAsync(
            new GroupAppend(first.StreamId, PartnershipStream, 1, first.Hash, Events: 1),
            new GroupAppend(second.StreamId, PartnershipStream, 2, null, Events: 1));

        Assert.Equal([first.StreamId, second.StreamId], rows.Select(row => row.StreamId).Order());
        Assert.Equal([2L, 3L], rows.OrderBy(row => row.StreamId).Select(row => row.Version));
        Assert.Equal(1, Math.Abs(rows[1].Sequence - rows[0].Sequence));
        Assert.Equal((2L, 3L), (await VersionOfAsync(first.StreamId), await VersionOfAsync(second.StreamId)));
        Assert.True(await ChainedAsDocumentedAsync(rows));
    }

    [Theory]
    [InlineData("moved on")]
    [InlineData("missing")]
    [InlineData("of another type")]
    [InlineData("planned on another event")]
    [InlineData("named twice")]
    public async Task The_lean_function_refuses_a_whole_group_when_one_stream_is(string premise)
    {
        var good = await StartAsync();
        var existing = await StartAsync();
        var other = await StartAsync();
        if (premise == "moved on")
        {
            await database.Store.AppendAsync(existing.StreamId, PartnershipStream, ExpectedVersion.Exactly(1), Visits(1), Recorder, Cancellation);
        }

        GroupAppend[] refused = premise switch
        {
            "missing" => [new GroupAppend(Guid.CreateVersion7(), PartnershipStream, 1, null, Events: 1)],
            "of another type" => [new GroupAppend(existing.StreamId, "another-type", 1, existing.Hash, Events: 1)],
            "planned on another event" => [new GroupAppend(existing.StreamId, PartnershipStream, 1, other.Hash, Events: 1)],
            "named twice" => [new GroupAppend(existing.StreamId, PartnershipStream, 1, null, Events: 1), new GroupAppend(existing.StreamId, PartnershipStream, 1, null, Events: 1)],
            _ => [new GroupAppend(existing.StreamId, PartnershipStream, 1, existing.Hash, Events: 1)],
        };

        await AssertRefusedAsync("LD007", singleEvents: true, [new GroupAppend(good.StreamId, PartnershipStream, 1, good.Hash, Events: 1), .. refused]);
    }

    [Fact]
    public async Task The_lean_function_refuses_to_start_a_stream()
    {
        await AssertRefusedAsync("LD004", singleEvents: true, [new GroupAppend(Guid.CreateVersion7(), PartnershipStream, 0, null, Events: 1)]);
    }

    private async Task<(Guid StreamId, byte[] Hash)> StartAsync()
    {
        var streamId = Guid.CreateVersion7();
        var result = await database.Store.StartStreamAsync(streamId, PartnershipStream, Visits(1), Recorder, Cancellation);
        return (streamId, result.Events[0].Hash);
    }

    private Task AssertRefusedAsync(string sqlState, params GroupAppend[] appends) => AssertRefusedAsync(sqlState, singleEvents: false, appends);

    private async Task AssertRefusedAsync(string sqlState, bool singleEvents, GroupAppend[] appends)
    {
        var eventsBefore = await database.ScalarAsync<long>("select count(*) from ledger.events");
        var streamsBefore = await database.ScalarAsync<long>("select count(*) from ledger.streams");
        var versionsBefore = await Task.WhenAll(appends.Select(append => VersionOfAsync(append.StreamId)));

        var refusal = await Assert.ThrowsAsync<PostgresException>(() => singleEvents ? AppendSingleEventsAsync(appends) : AppendGroupAsync(appends));

        Assert.Equal(sqlState, refusal.SqlState);
        Assert.Equal(eventsBefore, await database.ScalarAsync<long>("select count(*) from ledger.events"));
        Assert.Equal(streamsBefore, await database.ScalarAsync<long>("select count(*) from ledger.streams"));
        Assert.Equal(versionsBefore, await Task.WhenAll(appends.Select(append => VersionOfAsync(append.StreamId))));
    }

    private async Task<long?> VersionOfAsync(Guid streamId) => (await database.Store.GetStreamStateAsync(streamId, Cancellation))?.Version;

    /// <summary>
    /// Each row's hash recomputed from its body digest as docs/tamper-evidence.md specifies, and each row's previous
    /// hash found on the stream's event before it. The store's own verifier cannot be used: it recomputes the body
    /// digests from the events, and these rows carry random ones.
    /// </summary>
    private async Task<bool> ChainedAsDocumentedAsync(List<GroupRow> rows)
    {
        await using var command = database.DataSource.CreateCommand("""
            select bool_and(
                       e.hash = sha256(d.digest || int8send(e.version) || int8send(e.sequence)
                                       || int8send((extract(epoch from e.recorded_at) * 1000000)::bigint) || e.prev_hash)
                   and e.prev_hash = coalesce((select p.hash from ledger.events p where p.stream_id = e.stream_id and p.version = e.version - 1), '\x'))
              from unnest($1, $2) as d(event_id, digest)
              join ledger.events e on e.event_id = d.event_id
            """);
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, rows.Select(row => row.EventId)));
        command.Parameters.Add(Array(NpgsqlDbType.Bytea, rows.Select(row => row.BodyDigest)));
        return (bool)(await command.ExecuteScalarAsync(Cancellation))!;
    }

    private Task<List<GroupRow>> AppendGroupAsync(params GroupAppend[] appends) => CallAsync(singleEvents: false, appends);

    /// <summary>ledger.append_single_events (migration 0008): the same arrays as append_group, less the event counts.</summary>
    private Task<List<GroupRow>> AppendSingleEventsAsync(params GroupAppend[] appends) => CallAsync(singleEvents: true, appends);

    private async Task<List<GroupRow>> CallAsync(bool singleEvents, GroupAppend[] appends)
    {
        var events = appends.Sum(append => append.Events);
        var eventIds = Enumerable.Range(0, events).Select(_ => Guid.CreateVersion7()).ToArray();
        var bodyDigests = Enumerable.Range(0, events).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var streamOfEvent = appends.SelectMany(append => Enumerable.Repeat(append.StreamId, append.Events)).ToArray();
        await using var command = database.DataSource.CreateCommand(singleEvents
            ? """
              select event_id, sequence, version
                from ledger.append_single_events('{}', '{}', '{}', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
              """
            : """
              select event_id, sequence, version
                from ledger.append_group('{}', '{}', '{}', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
              """);
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, appends.Select(append => append.StreamId)));
        command.Parameters.Add(Array(NpgsqlDbType.Text, appends.Select(append => append.StreamType)));
        command.Parameters.Add(Array(NpgsqlDbType.Bigint, appends.Select(append => append.ExpectedVersion)));
        command.Parameters.Add(Array(NpgsqlDbType.Bytea, appends.Select(append => append.ExpectedPreviousHash)));
        if (!singleEvents)
        {
            command.Parameters.Add(Array(NpgsqlDbType.Integer, appends.Select(append => append.Events)));
        }

        command.Parameters.Add(Array(NpgsqlDbType.Uuid, eventIds));
        command.Parameters.Add(Array(NpgsqlDbType.Text, Enumerable.Repeat("visit-held", events)));
        command.Parameters.Add(Array(NpgsqlDbType.Integer, Enumerable.Repeat(1, events)));
        command.Parameters.Add(Array(NpgsqlDbType.Jsonb, Enumerable.Range(0, events).Select(index => $$"""{"attendees":{{index}}}""")));
        command.Parameters.Add(Array(NpgsqlDbType.TimestampTz, Enumerable.Repeat(new DateTime(2024, 4, 1, 0, 0, 0, DateTimeKind.Utc), events)));
        command.Parameters.Add(Array(NpgsqlDbType.Boolean, Enumerable.Repeat(true, events)));
        command.Parameters.Add(Array(NpgsqlDbType.Smallint, Enumerable.Repeat<short?>(null, events)));
        command.Parameters.Add(Array(NpgsqlDbType.Jsonb, Enumerable.Repeat<string?>(null, events)));
        command.Parameters.Add(Array(NpgsqlDbType.Bytea, bodyDigests));
        command.Parameters.Add(Array(NpgsqlDbType.Text, Enumerable.Repeat("test", events)));
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, Enumerable.Repeat<Guid?>(null, events)));
        command.Parameters.Add(Array(NpgsqlDbType.Uuid, Enumerable.Repeat<Guid?>(null, events)));
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var rows = new List<GroupRow>();
        while (await reader.ReadAsync(Cancellation))
        {
            var eventId = reader.GetGuid(0);
            var index = System.Array.IndexOf(eventIds, eventId);
            rows.Add(new GroupRow(eventId, streamOfEvent[index], reader.GetInt64(1), reader.GetInt64(2), bodyDigests[index]));
        }

        return rows;
    }

    private static NpgsqlParameter Array<T>(NpgsqlDbType elementType, IEnumerable<T> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | elementType, Value = values.ToArray() };

    private sealed record GroupRow(Guid EventId, Guid StreamId, long Sequence, long Version, byte[] BodyDigest);

    private sealed record GroupAppend(Guid StreamId, string StreamType, long ExpectedVersion, byte[]? ExpectedPreviousHash, int Events);
}
