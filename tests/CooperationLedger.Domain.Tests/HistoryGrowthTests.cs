using System.Globalization;
using System.Text.Json;
using CooperationLedger.Domain.Tests.Support;

namespace CooperationLedger.Domain.Tests;

/// <summary>
/// A history grows by one entry per append without copying what it holds; these pin down that histories grown from
/// one another never see each other's entries.
/// </summary>
public sealed class HistoryGrowthTests
{
    private static readonly PartnershipEvent Visit = Build.Visit("2024-04-01").Payload;

    [Fact]
    public void Two_entries_included_in_one_history_each_extend_it_alone()
    {
        // Grown by one entry already, so that it has room to grow into without copying.
        var visited = PartnershipHistory.Of([Entry(1, "2024-03-01", Build.Open().Payload)]).Including(Entry(2, "2024-03-15", Visit));
        var first = Entry(3, "2024-04-01", Visit);
        var second = Entry(3, "2024-04-02", Visit);

        var withFirst = visited.Including(first);
        var withSecond = visited.Including(second);
        var afterFirst = withFirst.Including(Entry(4, "2024-04-03", Visit));

        Assert.Equal(2, visited.Entries.Count);
        Assert.Same(first, withFirst.Entries[^1]);
        Assert.Same(second, withSecond.Entries[^1]);
        Assert.Equal([1L, 2L, 3L], withSecond.Entries.Select(entry => entry.Version));
        Assert.Same(second, withSecond.Effective[^1]);
        Assert.Same(first, afterFirst.Entries[2]);
        Assert.NotNull(withFirst.Find(first.EventId));
        Assert.Null(withFirst.Find(second.EventId));
        Assert.Null(visited.FindEffective(first.EventId));
        Assert.Equal(second.Sequence, withSecond.MaxSequence);
    }

    [Fact]
    public void A_history_grown_entry_by_entry_holds_what_the_whole_history_holds()
    {
        var entries = Enumerable.Range(1, 3_000)
            .Select(version => Entry(version, new DateOnly(2000, 1, 1).AddDays(version).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), version == 1 ? Build.Open().Payload : Visit))
            .ToList();

        var grown = entries.Skip(1).Aggregate(PartnershipHistory.Of(entries.Take(1)), (history, entry) => history.Including(entry));
        var whole = PartnershipHistory.Of(entries);

        Assert.Equal(whole.Entries, grown.Entries);
        Assert.Equal(whole.Effective, grown.Effective);
        Assert.Equal(whole.MaxSequence, grown.MaxSequence);
        Assert.Same(entries[1_234], grown.Find(entries[1_234].EventId));
    }

    [Fact]
    public void An_entry_named_by_a_correction_recorded_before_it_does_not_follow_everything()
    {
        var target = Entry(3, "2024-04-02", Visit);
        var correction = Entry(2, "2024-04-01", new EntryCorrected(target.EventId, "Recorded before its target", JsonSerializer.SerializeToElement(new { })));
        var history = PartnershipHistory.Of([Entry(1, "2024-03-01", Build.Open().Payload), correction]);

        Assert.False(history.FollowsEverything(target));
        Assert.True(history.FollowsEverything(Entry(3, "2024-04-02", Visit)));
    }

    private static RecordedEntry Entry(long version, string occurredAt, PartnershipEvent @event) =>
        new(Guid.CreateVersion7(), version * 10, version, Build.On(occurredAt), DateTimeOffset.UnixEpoch, "test", null, @event);
}
