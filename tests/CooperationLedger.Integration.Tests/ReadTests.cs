using CooperationLedger.EventStore;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests;

public sealed class ReadTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    private LedgerEventStore Store => database.Store;

    [Fact]
    public async Task Events_are_read_by_their_sequences_in_stream_and_version_order()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var first = await Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(1), Recorder, cancellation);
        var second = await Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, Visits(1), Recorder, cancellation);
        var firstAgain = await Store.AppendAsync(first.StreamId, PartnershipStream, ExpectedVersion.Exactly(1), Visits(1), Recorder, cancellation);
        long[] interleaved = [first.Events[0].Sequence, second.Events[0].Sequence, firstAgain.Events[0].Sequence];

        var read = await Store.ReadEventsAsync([.. interleaved.Reverse(), firstAgain.Events[0].Sequence + 1_000_000], cancellation);

        // A sequence nothing holds is left out; each stream's events come together, by version, not in feed order.
        Assert.Equal(interleaved.Order(), read.Select(recorded => recorded.Sequence).Order());
        var byStream = new[] { (first.StreamId, 1L), (first.StreamId, 2L), (second.StreamId, 1L) };
        var streamsFirstPlaced = read[0].StreamId == first.StreamId ? byStream : [byStream[2], byStream[0], byStream[1]];
        Assert.Equal(streamsFirstPlaced, read.Select(recorded => (recorded.StreamId, recorded.Version)));
        Assert.Empty(await Store.ReadEventsAsync([], cancellation));
    }

    [Fact]
    public async Task Every_column_round_trips()
    {
        var streamId = Guid.CreateVersion7();
        var metadata = new AppendMetadata("archivist@ledger") { CorrelationId = Guid.CreateVersion7(), CausationId = Guid.CreateVersion7(), IdempotencyKey = "minutes-1850" };
        var longAgo = OccurredAt.OnDate(new DateOnly(1850, 3, 1));
        var withOffset = OccurredAt.At(new DateTimeOffset(2024, 11, 5, 9, 15, 30, TimeSpan.FromMinutes(330)).AddTicks(4567891));
        var source = new EventSource("minutes", "Board minutes, March 1850", new Uri("https://example.org/archive/minutes-1850?page=2"), new DateOnly(1850, 3, 8));
        NewEvent[] events =
        [
            new(new VisitHeld("Royal Observatory", 3, "founding visit"), longAgo, source),
            new(new AgreementSigned("Joint catalogue", 15000.75m, new DateOnly(2024, 11, 5)), withOffset),
        ];

        var appended = await Store.StartStreamAsync(streamId, PartnershipStream, events, metadata, TestContext.Current.CancellationToken);
        var stored = await Store.ReadStreamAsync(streamId, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, stored.Count);
        for (var index = 0; index < stored.Count; index++)
        {
            var recorded = stored[index];
            Assert.Equal(appended.Events[index].Sequence, recorded.Sequence);
            Assert.Equal(appended.Events[index].EventId, recorded.EventId);
            Assert.Equal(appended.Events[index].Hash, recorded.Hash);
            Assert.Equal(appended.Events[index].RecordedAt, recorded.RecordedAt);
            Assert.Equal(streamId, recorded.StreamId);
            Assert.Equal(index + 1, recorded.Version);
            Assert.Equal(events[index].Data, recorded.Data);
            Assert.Equal(events[index].OccurredAt, recorded.OccurredAt);
            Assert.Equal(events[index].Source, recorded.Source);
            Assert.Equal(metadata.RecordedBy, recorded.RecordedBy);
            Assert.Equal(metadata.CorrelationId, recorded.CorrelationId);
            Assert.Equal(metadata.CausationId, recorded.CausationId);
            Assert.Equal(metadata.IdempotencyKey, recorded.IdempotencyKey);
        }

        Assert.Equal(new DateOnly(1850, 3, 1), stored[0].OccurredAt.Date);
        Assert.True(stored[0].OccurredAt.IsDate);
        Assert.Equal(withOffset.ToDateTimeOffset(), stored[1].OccurredAt.ToDateTimeOffset());
        Assert.Equal(TimeSpan.FromMinutes(330), stored[1].OccurredAt.ToDateTimeOffset().Offset);
        Assert.Equal(456789, stored[1].OccurredAt.Instant.Ticks % TimeSpan.TicksPerSecond / 10);
        Assert.Equal("visit-held", stored[0].Type);
        Assert.Equal(1, stored[0].SchemaVersion);
        Assert.Contains("\"publishedOn\"", stored[0].SourceJson);
        Assert.Null(stored[1].SourceJson);
        Assert.Empty(stored[0].PrevHash);
        Assert.Equal(stored[0].Hash, stored[1].PrevHash);
    }

    [Fact]
    public async Task A_stream_can_be_read_up_to_a_version()
    {
        var streamId = Guid.CreateVersion7();
        await Store.StartStreamAsync(streamId, PartnershipStream, Visits(5), Recorder, TestContext.Current.CancellationToken);

        var upToThree = await Store.ReadStreamAsync(streamId, toVersion: 3, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([1L, 2L, 3L], upToThree.Select(recorded => recorded.Version));
        Assert.Equal([1, 2, 3], upToThree.Select(recorded => ((VisitHeld)recorded.Data).Attendees));
    }

    [Fact]
    public async Task A_reader_holding_a_stream_up_to_a_version_reads_only_what_follows()
    {
        var streamId = Guid.CreateVersion7();
        await Store.StartStreamAsync(streamId, PartnershipStream, Visits(5), Recorder, TestContext.Current.CancellationToken);

        var afterThree = await Store.ReadStreamAsync(streamId, afterVersion: 3, cancellationToken: TestContext.Current.CancellationToken);
        var betweenOneAndFour = await Store.ReadStreamAsync(streamId, toVersion: 4, afterVersion: 1, cancellationToken: TestContext.Current.CancellationToken);
        var afterAll = await Store.ReadStreamAsync(streamId, afterVersion: 5, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([4L, 5L], afterThree.Select(recorded => recorded.Version));
        Assert.Equal([2L, 3L, 4L], betweenOneAndFour.Select(recorded => recorded.Version));
        Assert.Empty(afterAll);
    }

    [Fact]
    public async Task A_stream_can_be_read_as_it_stood_at_a_recorded_time()
    {
        var streamId = Guid.CreateVersion7();
        await Store.StartStreamAsync(streamId, PartnershipStream, Visits(2), Recorder, TestContext.Current.CancellationToken);
        var second = await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(2), Visits(1), Recorder, TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(5), TestContext.Current.CancellationToken);
        await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(3), Visits(2), Recorder, TestContext.Current.CancellationToken);

        var asItStood = await Store.ReadStreamAsync(streamId, recordedAtOrBefore: second.Events[0].RecordedAt, cancellationToken: TestContext.Current.CancellationToken);
        var beforeAnything = await Store.ReadStreamAsync(streamId, recordedAtOrBefore: DateTimeOffset.UnixEpoch, cancellationToken: TestContext.Current.CancellationToken);
        var both = await Store.ReadStreamAsync(streamId, toVersion: 1, recordedAtOrBefore: second.Events[0].RecordedAt, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([1L, 2L, 3L], asItStood.Select(recorded => recorded.Version));
        Assert.Empty(beforeAnything);
        Assert.Equal([1L], both.Select(recorded => recorded.Version));
    }

    [Fact]
    public async Task The_global_feed_reads_in_pages_and_across_holes_left_by_rolled_back_appends()
    {
        var start = await MaxSequenceAsync();
        var committed = new List<long>();
        var streamA = Guid.CreateVersion7();
        var streamB = Guid.CreateVersion7();
        committed.AddRange((await Store.StartStreamAsync(streamA, PartnershipStream, Visits(3), Recorder, TestContext.Current.CancellationToken)).Events.Select(appended => appended.Sequence));
        var rolledBack = await AppendAndRollBackAsync(streamB, 4);
        committed.AddRange((await Store.StartStreamAsync(streamB, PartnershipStream, Visits(2), Recorder, TestContext.Current.CancellationToken)).Events.Select(appended => appended.Sequence));
        committed.AddRange((await Store.AppendAsync(streamA, PartnershipStream, ExpectedVersion.Exactly(3), Visits(4), Recorder, TestContext.Current.CancellationToken)).Events.Select(appended => appended.Sequence));

        var read = new List<RecordedEvent>();
        var after = start;
        var pages = 0;
        while (true)
        {
            var page = await Store.ReadAllAsync(after, limit: 3, TestContext.Current.CancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count <= 3);
            pages++;
            read.AddRange(page);
            after = page[^1].Sequence;
        }

        Assert.Equal(committed, read.Select(recorded => recorded.Sequence));
        Assert.Equal(3, pages);
        Assert.All(rolledBack, hole => Assert.DoesNotContain(hole, read.Select(recorded => recorded.Sequence)));
        Assert.InRange(rolledBack.Min(), committed.Min(), committed.Max());
    }

    [Fact]
    public async Task A_stream_never_written_has_no_state_and_no_events()
    {
        var streamId = Guid.CreateVersion7();

        Assert.Null(await Store.GetStreamStateAsync(streamId, TestContext.Current.CancellationToken));
        Assert.Empty(await Store.ReadStreamAsync(streamId, cancellationToken: TestContext.Current.CancellationToken));
    }

    private async Task<IReadOnlyList<long>> AppendAndRollBackAsync(Guid streamId, int count)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        var result = await Store.AppendAsync(transaction, streamId, PartnershipStream, ExpectedVersion.NoStream, Visits(count), Recorder, TestContext.Current.CancellationToken);
        await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        return result.Events.Select(appended => appended.Sequence).ToList();
    }

    private Task<long> MaxSequenceAsync() => database.ScalarAsync<long>("select coalesce(max(sequence), 0) from ledger.events");
}
