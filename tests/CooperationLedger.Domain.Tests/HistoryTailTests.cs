using System.Text.Json;
using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests;

/// <summary>
/// A partnership remembered between appends keeps only the tail of its history. Whatever the decider says it can
/// decide on a tail it must decide exactly as on the whole history, and whatever needs more must refuse loudly, never
/// answer from the little a tail holds.
/// </summary>
public sealed class HistoryTailTests
{
    private const int Histories = 200;
    private const int CommandsPerHistory = 40;

    [Fact]
    public void What_can_be_decided_on_a_tail_is_decided_as_on_the_whole_history()
    {
        var onTail = 0;
        var needingWhole = 0;
        for (var seed = 1; seed <= Histories; seed++)
        {
            var random = new Random(seed);
            var commands = new RandomCommands(random);
            var given = Scenario.Given(Open(title: $"Partnership {seed}"));
            var remembered = given.State.WithHistoryTail();
            for (var step = 0; step < CommandsPerHistory; step++)
            {
                var batch = random.Next(4) == 0 ? [commands.Next(given.Entries), commands.Next(given.Entries)] : new[] { commands.Next(given.Entries) };
                var whole = PartnershipDecider.DecideAll(given.State, batch, Scenario.Now);
                if (PartnershipDecider.CanDecideOn(remembered, batch))
                {
                    onTail++;
                    var tail = PartnershipDecider.DecideAll(remembered, batch, Scenario.Now);
                    Assert.True(Described(whole) == Described(tail), $"seed {seed}, step {step}: the tail decided {Described(tail)}, the whole history {Described(whole)}.");
                }
                else
                {
                    needingWhole++;
                }

                if (whole.Decision is Accepted accepted)
                {
                    foreach (var @event in accepted.Events)
                    {
                        given.Record(new Accepted([@event]));
                    }

                    // As the service does: the whole history read again when the tail cannot take the entries.
                    remembered = remembered.IncludingAll(given.Entries.Skip((int)remembered.Version)) ?? given.State.WithHistoryTail();
                }

                Assert.Equal(given.Entries.Count, remembered.Version);
                Assert.False(remembered.History.IsWhole);
            }
        }

        Assert.True(onTail > Histories * 5, $"Only {onTail} decisions were made on a tail.");
        Assert.True(needingWhole > Histories, $"Only {needingWhole} decisions needed the whole history: late entries and corrections are too rare to test.");
    }

    [Fact]
    public void A_correction_and_a_late_entry_cannot_be_decided_on_a_tail_but_an_entry_that_follows_can()
    {
        var given = Scenario.Given(Open(on: "2024-03-01"), Visit("2024-04-01"));
        var tail = given.State.WithHistoryTail();

        Assert.True(PartnershipDecider.CanDecideOn(tail, [Visit("2024-04-02"), Note("2024-04-03")]));
        Assert.False(PartnershipDecider.CanDecideOn(tail, [Visit("2024-03-15")]));
        Assert.False(PartnershipDecider.CanDecideOn(tail, [Visit("2024-04-02"), Visit("2024-04-01")]));
        Assert.False(PartnershipDecider.CanDecideOn(tail, [Correct(given.IdOf(2), Visit("2024-04-01").Payload)]));
        Assert.True(PartnershipDecider.CanDecideOn(given.State, [Correct(given.IdOf(2), Visit("2024-04-01").Payload)]));
    }

    [Fact]
    public void A_tail_keeps_the_version_and_sequence_but_refuses_to_hand_out_or_search_entries_it_does_not_hold()
    {
        var given = Scenario.Given(Open(on: "2024-03-01"), Visit("2024-04-01"), Visit("2024-04-02"));
        var whole = given.State;
        var tail = whole.WithHistoryTail();
        var late = new RecordedEntry(Guid.NewGuid(), 100, 4, On("2024-03-20"), Scenario.Now, "tester", null, Visit("2024-03-20").Payload);

        Assert.Equal(3, tail.Version);
        Assert.Equal(whole.History.MaxSequence, tail.History.MaxSequence);
        Assert.Equal(whole.VisitCount, tail.VisitCount);
        Assert.Throws<InvalidOperationException>(() => tail.History.Entries);
        Assert.Throws<InvalidOperationException>(() => tail.History.Effective);
        Assert.Throws<InvalidOperationException>(() => tail.History.Find(given.IdOf(2)));
        Assert.Throws<InvalidOperationException>(() => tail.Including(late));
        Assert.Throws<InvalidOperationException>(() => PartnershipDecider.DecideAll(tail, [Correct(given.IdOf(2), Visit("2024-04-01").Payload)], Scenario.Now));
        Assert.Equal(4, whole.Including(late).Version);
    }

    private static string Described(BatchDecision batch) => batch.Decision switch
    {
        Accepted accepted => $"accepted {string.Join(", ", accepted.Events.Select(@event => $"{@event.Type} {@event.OccurredAt} {JsonSerializer.Serialize(@event.Data, PartnershipEventCatalog.For(@event.Data).TypeInfo)}"))}",
        Rejection rejection => $"rejected at {batch.RejectedIndex}: {rejection.Rule} ({rejection.Reason})",
        var other => other.ToString(),
    };
}
