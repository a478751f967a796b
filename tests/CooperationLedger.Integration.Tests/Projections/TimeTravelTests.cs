using CooperationLedger.EventStore;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

public sealed class TimeTravelTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    private static readonly string[] Corrections = ["partner-renamed"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private LedgerEventStore Store => database.Store;

    [Fact]
    public async Task A_live_fold_stops_at_the_version_asked_for()
    {
        var streamId = Guid.CreateVersion7();
        await Store.StartStreamAsync(streamId, PartnershipStream, [Visit(attendees: 1), Visit(attendees: 2), Visit(attendees: 4), Visit(attendees: 8)], Recorder, Cancellation);

        Assert.Equal(15, await Store.AggregateStreamAsync(streamId, SumOfAttendees, cancellationToken: Cancellation));
        Assert.Equal(3, await Store.AggregateStreamAsync(streamId, SumOfAttendees, upToVersion: 2, cancellationToken: Cancellation));
        Assert.Equal(0, await Store.AggregateStreamAsync(Guid.CreateVersion7(), SumOfAttendees, cancellationToken: Cancellation));
    }

    [Fact]
    public async Task As_of_a_recorded_time_the_stream_is_what_the_ledger_knew_then()
    {
        var streamId = Guid.CreateVersion7();
        var first = await Store.StartStreamAsync(streamId, PartnershipStream, [Visit(attendees: 1), Visit(attendees: 2)], Recorder, Cancellation);
        await Task.Delay(20, Cancellation);
        var second = await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(2), [Visit(attendees: 4)], Recorder, Cancellation);

        var knownThen = await Store.ReadStreamAsOfRecordedAsync(streamId, first.Events[^1].RecordedAt, Cancellation);

        Assert.Equal([1L, 2L], knownThen.Select(recorded => recorded.Version));
        Assert.Equal(3, await Store.AggregateStreamAsync(streamId, SumOfAttendees, recordedAsOf: first.Events[^1].RecordedAt, cancellationToken: Cancellation));
        Assert.Equal(7, await Store.AggregateStreamAsync(streamId, SumOfAttendees, recordedAsOf: second.Events[0].RecordedAt, cancellationToken: Cancellation));
        Assert.Empty(await Store.ReadStreamAsOfRecordedAsync(streamId, first.Events[0].RecordedAt.AddTicks(-10), Cancellation));
    }

    [Fact]
    public async Task As_of_an_occurred_time_the_stream_includes_late_recorded_events_and_corrections()
    {
        var streamId = Guid.CreateVersion7();
        var march = OccurredAt.OnDate(new DateOnly(2024, 3, 21));
        var april = OccurredAt.OnDate(new DateOnly(2024, 4, 1));
        var mayMorningInShanghai = OccurredAt.At(new DateTimeOffset(2024, 5, 2, 7, 30, 0, TimeSpan.FromHours(8)));
        await Store.StartStreamAsync(streamId, PartnershipStream, [new NewEvent(new VisitHeld("Jiading Commission", 10), april)], Recorder, Cancellation);
        await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(1), [new NewEvent(new VisitHeld("Shandong University", 20), mayMorningInShanghai)], Recorder, Cancellation);
        // Recorded last, but it happened first.
        await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(2), [new NewEvent(new VisitHeld("Wujing Town", 5), march)], Recorder, Cancellation);
        // A correction stated today: it is knowledge about the past, so it counts for any earlier date.
        await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(3), [new NewEvent(new PartnerRenamed("Jiading District Science and Technology Commission", "Jiading"), OccurredAt.OnDate(new DateOnly(2025, 1, 6)))], Recorder, Cancellation);

        var onFirstOfApril = await Store.ReadStreamAsOfOccurredAsync(streamId, new DateOnly(2024, 4, 1), Corrections, Cancellation);
        Assert.Equal([1L, 3L, 4L], onFirstOfApril.Select(recorded => recorded.Version));

        // 07:30 in Shanghai on May 2nd is still May 1st in UTC: by day it is May 2nd, by instant it is before midnight UTC.
        Assert.Equal([1L, 3L, 4L], (await Store.ReadStreamAsOfOccurredAsync(streamId, new DateOnly(2024, 5, 1), Corrections, Cancellation)).Select(recorded => recorded.Version));
        Assert.Equal([1L, 2L, 3L, 4L], (await Store.ReadStreamAsOfOccurredAsync(streamId, new DateOnly(2024, 5, 2), Corrections, Cancellation)).Select(recorded => recorded.Version));
        Assert.Equal([1L, 2L, 3L, 4L], (await Store.ReadStreamAsOfOccurredAsync(streamId, new DateTimeOffset(2024, 5, 1, 23, 30, 0, TimeSpan.Zero), Corrections, Cancellation)).Select(recorded => recorded.Version));
        Assert.Equal([3L], (await Store.ReadStreamAsOfOccurredAsync(streamId, new DateOnly(2024, 3, 31), [], Cancellation)).Select(recorded => recorded.Version));
        Assert.Empty(await Store.ReadStreamAsOfOccurredAsync(streamId, new DateOnly(2024, 3, 20), [], Cancellation));
    }

    [Fact]
    public async Task The_stream_event_cache_reads_only_what_was_appended_since_and_answers_like_the_store()
    {
        var cache = new StreamEventCache(database.DataSource, Store.Registry);
        var streamId = Guid.CreateVersion7();
        var first = await Store.StartStreamAsync(streamId, PartnershipStream, [Visit(attendees: 1), Visit(attendees: 2)], Recorder, Cancellation);
        Assert.Equal(3, await cache.AggregateStreamAsync(streamId, SumOfAttendees, cancellationToken: Cancellation));

        await Task.Delay(20, Cancellation);
        await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(2), [Visit(attendees: 4), Visit(attendees: 8)], Recorder, Cancellation);

        var fromCache = await cache.ReadStreamAsync(streamId, cancellationToken: Cancellation);
        var fromStore = await Store.ReadStreamAsync(streamId, cancellationToken: Cancellation);
        Assert.Equal(fromStore.Select(recorded => (recorded.Sequence, recorded.Version, recorded.EventId, recorded.DataJson)), fromCache.Select(recorded => (recorded.Sequence, recorded.Version, recorded.EventId, recorded.DataJson)));
        Assert.Equal(15, await cache.AggregateStreamAsync(streamId, SumOfAttendees, cancellationToken: Cancellation));
        Assert.Equal(7, await cache.AggregateStreamAsync(streamId, SumOfAttendees, upToVersion: 3, cancellationToken: Cancellation));
        Assert.Equal(3, await cache.AggregateStreamAsync(streamId, SumOfAttendees, recordedAsOf: first.Events[^1].RecordedAt, cancellationToken: Cancellation));
        Assert.Empty(await cache.ReadStreamAsync(Guid.CreateVersion7(), cancellationToken: Cancellation));
    }

    private static int SumOfAttendees(IReadOnlyList<RecordedEvent> events) =>
        events.Select(recorded => recorded.Data).OfType<VisitHeld>().Sum(visit => visit.Attendees);
}
