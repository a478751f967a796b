using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

/// <summary>The rules every command shares: when its event may have occurred, and that the partnership exists.</summary>
public sealed class OccurredAtRulesTests
{
    public static TheoryData<string> CommandsOfEveryKind() => ["visit", "note", "draft", "close", "correction"];

    private static Command Dated(string kind, string occurredAt, Scenario given) => kind switch
    {
        "visit" => Visit(occurredAt),
        "note" => Note(occurredAt),
        "draft" => Draft("JD-2024-01", occurredAt),
        "close" => Close(occurredAt),
        _ => Correct(given.IdOf(1), Open().Data, on: occurredAt),
    };

    [Theory]
    [MemberData(nameof(CommandsOfEveryKind))]
    public void An_event_may_not_occur_more_than_a_day_from_now(string kind)
    {
        var given = Scenario.Given(Open());

        given.When(Dated(kind, "2024-06-02T12:00:01+08:00", given)).ThenRejected("occurred-in-future", "2024-06-02T12:00:01+08:00");
    }

    [Theory]
    [MemberData(nameof(CommandsOfEveryKind))]
    public void An_event_may_not_occur_before_1900(string kind)
    {
        var given = Scenario.Given(Open());

        given.When(Dated(kind, "1899-12-31", given)).ThenRejected("occurred-before-1900", "1899-12-31");
    }

    [Theory]
    [InlineData("2024-06-02T12:00:00+08:00")]
    [InlineData("2024-06-02")]
    [InlineData("1900-01-01")]
    public void The_limits_themselves_are_accepted(string occurredAt)
    {
        Scenario.Given(Open("1900-01-01")).When(Note(occurredAt)).ThenAccepted<NoteAdded>();
    }

    [Fact]
    public void The_opening_is_held_to_the_same_dates()
    {
        Scenario.Given().When(Open("2024-06-05")).ThenRejected("occurred-in-future");
    }

    [Fact]
    public void Events_recorded_late_are_accepted_and_folded_in_occurred_order()
    {
        var given = Scenario.Given(Open("2024-03-01"), Visit("2024-05-01"), Draft("JD-2024-01", "2024-05-10"));

        given.When(Visit("2024-04-01", leadName: "Han Shenghao")).ThenAccepted<VisitHeld>();

        var occurredOrder = given.State.History.Effective.Select(entry => entry.OccurredAt.ToString());
        Assert.Equal(["2024-03-01", "2024-04-01", "2024-05-01", "2024-05-10"], occurredOrder);
        Assert.Equal([1L, 4L, 2L, 3L], given.State.History.Effective.Select(entry => entry.Version));
        Assert.Equal(On("2024-05-10"), given.State.LastActivity);
    }

    [Fact]
    public void Events_may_occur_before_the_partnership_was_opened()
    {
        var given = Scenario.Given(Open("2024-04-01"));

        given.When(Visit("2024-03-21")).ThenAccepted<VisitHeld>();

        Assert.Equal(PartnershipStage.Engaged, given.State.StageOn(Scenario.Today));
    }
}
