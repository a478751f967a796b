using CooperationLedger.EventStore;
using CooperationLedger.EventStore.TamperEvidence;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests;

/// <summary>
/// Each test tampers with a fresh database the way a superuser could (triggers off) and asserts that verification,
/// of the whole ledger and of the stream concerned, names the exact first broken sequence and why.
/// </summary>
public sealed class TamperEvidenceTests(PostgresServer server) : IAsyncLifetime
{
    private readonly Guid streamA = Guid.CreateVersion7();
    private readonly Guid streamB = Guid.CreateVersion7();
    private readonly Dictionary<(char Stream, long Version), long> sequences = [];
    private LedgerDatabase database = null!;

    public async ValueTask InitializeAsync()
    {
        database = await LedgerDatabase.CreateAsync(server);
        var richMetadata = Recorder with { CorrelationId = Guid.CreateVersion7(), CausationId = Guid.CreateVersion7(), IdempotencyKey = "a-3" };
        var richEvent = new NewEvent(
            new AgreementSigned("Shared archive", 1250.50m, new DateOnly(2024, 6, 1)),
            OccurredAt.At(new DateTimeOffset(2024, 6, 1, 14, 30, 15, TimeSpan.FromHours(2)).AddTicks(1234560)),
            new EventSource("press-release", "Archive partnership announced", new Uri("https://example.org/news/archive"), new DateOnly(2024, 6, 2)));
        await AppendAsync('A', [Visit("Museum of Maps", 1)]);
        await AppendAsync('B', [Visit("Library of Sounds", 1)]);
        await AppendAsync('A', [Visit("Museum of Maps", 2)]);
        await AppendAsync('B', [Visit("Library of Sounds", 2)]);
        await AppendAsync('A', [richEvent], richMetadata);
        await AppendAsync('A', [Visit("Museum of Maps", 4)]);
        await AppendAsync('B', [Visit("Library of Sounds", 3)]);
        await AppendAsync('A', [Visit("Museum of Maps", 5)]);
    }

    public ValueTask DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task An_untouched_ledger_verifies()
    {
        var all = await database.Store.VerifyAllAsync(TestContext.Current.CancellationToken);
        var a = await database.Store.VerifyStreamAsync(streamA, TestContext.Current.CancellationToken);

        Assert.Equal(VerificationResult.Intact(8), all);
        Assert.Equal(VerificationResult.Intact(5), a);
    }

    [Fact]
    public async Task Jsonb_reserialising_the_stored_data_does_not_change_the_hash()
    {
        await AppendAsync('B', [new NewEvent(new VisitHeld("Café \"Ünïcode\" 😀 ﬀ", 7, "line\nbreak\ttab \u001f \\ / \u2028"), OccurredAt.OnDate(new DateOnly(1850, 3, 1)))]);
        await AppendAsync('B', [new NewEvent(new AgreementSigned("Decimals", 1.10m, new DateOnly(2020, 1, 1)), OccurredAt.OnDate(new DateOnly(2020, 1, 1)))]);

        await database.TamperAsync("update ledger.events set data = data::text::jsonb, source = source::text::jsonb");

        Assert.Equal(VerificationResult.Intact(10), await database.Store.VerifyAllAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_edited_payload_is_caught_by_the_hash_at_its_sequence()
    {
        await database.TamperAsync($"update ledger.events set data = jsonb_set(data, '{{value}}', '99999') where sequence = {Sequence('A', 3)}");

        await AssertBrokenAsync(streamA, Sequence('A', 3), VerificationFailure.HashMismatch);
    }

    [Fact]
    public async Task An_edited_occurred_at_is_caught_by_the_hash_at_its_sequence()
    {
        await database.TamperAsync($"update ledger.events set occurred_at = occurred_at - interval '1 day' where sequence = {Sequence('A', 2)}");

        await AssertBrokenAsync(streamA, Sequence('A', 2), VerificationFailure.HashMismatch);
    }

    [Fact]
    public async Task An_edited_recorded_at_is_caught_by_the_hash_at_its_sequence()
    {
        await database.TamperAsync($"update ledger.events set recorded_at = recorded_at + interval '1 microsecond' where sequence = {Sequence('A', 4)}");

        await AssertBrokenAsync(streamA, Sequence('A', 4), VerificationFailure.HashMismatch);
    }

    [Fact]
    public async Task A_deleted_middle_event_is_caught_at_the_next_event_of_its_stream()
    {
        await database.TamperAsync($"delete from ledger.events where sequence = {Sequence('A', 3)}");

        await AssertBrokenAsync(streamA, Sequence('A', 4), VerificationFailure.VersionOutOfSequence);
    }

    [Fact]
    public async Task A_deleted_middle_event_hidden_by_renumbering_the_rest_is_caught_by_the_hash()
    {
        await database.TamperAsync($"""
            delete from ledger.events where sequence = {Sequence('A', 3)};
            update ledger.events set version = version - 1 where stream_id = '{streamA}' and version > 3;
            update ledger.streams set version = 4 where id = '{streamA}';
            """);

        await AssertBrokenAsync(streamA, Sequence('A', 4), VerificationFailure.HashMismatch);
    }

    [Fact]
    public async Task Two_swapped_versions_are_caught_by_the_hash_at_the_earlier_sequence()
    {
        await database.TamperAsync($"""
            update ledger.events set version = 1000 where sequence = {Sequence('A', 3)};
            update ledger.events set version = 3 where sequence = {Sequence('A', 4)};
            update ledger.events set version = 4 where sequence = {Sequence('A', 3)};
            """);

        await AssertBrokenAsync(streamA, Sequence('A', 3), VerificationFailure.HashMismatch);
    }

    [Fact]
    public async Task An_event_moved_to_another_stream_is_caught_by_the_hash()
    {
        // A careful move: it lands as the next version of B and both stream rows are made to agree.
        await database.TamperAsync($"""
            update ledger.events set stream_id = '{streamB}', version = 4 where sequence = {Sequence('A', 5)};
            update ledger.streams set version = 4 where id in ('{streamA}', '{streamB}');
            """);

        await AssertBrokenAsync(streamB, Sequence('A', 5), VerificationFailure.HashMismatch);
        Assert.True((await database.Store.VerifyStreamAsync(streamA, TestContext.Current.CancellationToken)).Valid);
    }

    [Fact]
    public async Task A_truncated_tail_is_caught_against_the_streams_recorded_version()
    {
        await database.TamperAsync($"delete from ledger.events where stream_id = '{streamA}' and version >= 4");

        await AssertBrokenAsync(streamA, Sequence('A', 3), VerificationFailure.StreamVersionMismatch);
    }

    private async Task AssertBrokenAsync(Guid stream, long expectedSequence, VerificationFailure expectedFailure)
    {
        var all = await database.Store.VerifyAllAsync(TestContext.Current.CancellationToken);
        var single = await database.Store.VerifyStreamAsync(stream, TestContext.Current.CancellationToken);

        foreach (var result in new[] { all, single })
        {
            Assert.False(result.Valid);
            Assert.Equal(expectedSequence, result.FirstInvalidSequence);
            Assert.Equal(expectedFailure, result.Failure);
            Assert.Equal(stream, result.StreamId);
            Assert.False(string.IsNullOrWhiteSpace(result.Reason));
        }
    }

    private async Task AppendAsync(char stream, IReadOnlyList<NewEvent> events, AppendMetadata? metadata = null)
    {
        var result = await database.Store.AppendAsync(stream == 'A' ? streamA : streamB, PartnershipStream, ExpectedVersion.Any, events, metadata ?? Recorder, TestContext.Current.CancellationToken);
        foreach (var appended in result.Events)
        {
            sequences[(stream, appended.Version)] = appended.Sequence;
        }
    }

    private long Sequence(char stream, long version) => sequences[(stream, version)];
}
