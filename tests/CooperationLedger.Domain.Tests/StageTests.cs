using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests;

public sealed class StageTests
{
    private static PartnershipStage StageAfter(params Command[] history) => Scenario.Given(history).State.StageOn(Scenario.Today);

    [Fact]
    public void Every_step_forward_moves_the_stage()
    {
        var given = Scenario.Given(Open("2024-03-01"));
        var stages = new List<PartnershipStage> { given.State.StageOn(Scenario.Today) };
        foreach (var step in new Command[]
                 {
                     Visit("2024-03-21"), Consensus("2024-03-22"), Intention("2024-03-23"), Draft("JD-2024-01", "2024-04-01"),
                     Sign("JD-2024-01", "2024-04-02", "2024-04-02", "2024-05-31"),
                 })
        {
            given.And(step);
            stages.Add(given.State.StageOn(Scenario.Today));
        }

        Assert.Equal(
            [
                PartnershipStage.Exploring, PartnershipStage.Engaged, PartnershipStage.Consensus, PartnershipStage.Intention,
                PartnershipStage.Negotiating, PartnershipStage.Lapsed,
            ],
            stages);
        Assert.Equal(PartnershipStage.Active, given.State.StageOn(Day("2024-05-31")));
    }

    [Fact]
    public void The_highest_stage_reached_wins_over_later_lesser_steps()
    {
        Assert.Equal(PartnershipStage.Consensus, StageAfter(Open(), Consensus("2024-04-01"), Visit("2024-05-01")));
        Assert.Equal(PartnershipStage.Negotiating, StageAfter(Open(), Draft("JD-2024-01", "2024-04-01"), Intention("2024-05-01"), Visit("2024-05-02")));
    }

    [Fact]
    public void Active_depends_on_the_day_asked_about()
    {
        var state = Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-01"), Sign("JD-2024-01", "2024-04-02", "2024-05-01", "2024-12-31")).State;

        Assert.Equal(PartnershipStage.Negotiating, state.StageOn(Day("2024-04-30")));
        Assert.Equal(PartnershipStage.Active, state.StageOn(Day("2024-05-01")));
        Assert.Equal(PartnershipStage.Active, state.StageOn(Day("2024-12-31")));
        Assert.Equal(PartnershipStage.Lapsed, state.StageOn(Day("2025-01-01")));
    }

    [Fact]
    public void Lapsed_through_termination()
    {
        Assert.Equal(
            PartnershipStage.Lapsed,
            StageAfter(Open(), Draft("JD-2024-01", "2024-04-01"), Sign("JD-2024-01", "2024-04-02", "2024-04-02", null), Terminate("JD-2024-01", "2024-05-01")));
    }

    [Fact]
    public void Not_lapsed_while_any_signed_agreement_is_in_effect()
    {
        Assert.Equal(
            PartnershipStage.Active,
            StageAfter(
                Open(), Draft("A", "2024-04-01"), Sign("A", "2024-04-02", "2024-04-02", null), Terminate("A", "2024-05-01"),
                Draft("B", "2024-04-01"), Sign("B", "2024-04-03", "2024-04-03", null)));
    }

    [Fact]
    public void Lapsed_once_an_agreement_has_ended_even_with_another_signed_but_not_yet_in_effect()
    {
        var state = Scenario.Given(
            Open(), Draft("A", "2024-04-01"), Sign("A", "2024-04-02", "2024-04-02", null), Terminate("A", "2024-05-01"),
            Draft("B", "2024-04-01"), Sign("B", "2024-05-02", "2024-09-01", null)).State;

        Assert.Equal(PartnershipStage.Lapsed, state.StageOn(Scenario.Today));
        Assert.Equal(PartnershipStage.Active, state.StageOn(Day("2024-09-01")));
    }

    [Fact]
    public void Suspension_overrides_and_resumption_restores()
    {
        var given = Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-01"), Sign("JD-2024-01", "2024-04-02", "2024-04-02", null), Suspend("2024-05-01"));
        Assert.Equal(PartnershipStage.Suspended, given.State.StageOn(Scenario.Today));

        given.And(Resume("2024-05-10"));

        Assert.Equal(PartnershipStage.Active, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void Closing_overrides_even_a_suspension()
    {
        Assert.Equal(PartnershipStage.Closed, StageAfter(Open(), Suspend("2024-04-01"), Close("2024-05-01")));
    }

    [Fact]
    public void The_stage_is_derived_after_corrections()
    {
        var given = Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-01"), Sign("JD-2024-01", "2024-04-02", "2024-04-02", "2024-05-01"));
        Assert.Equal(PartnershipStage.Lapsed, given.State.StageOn(Scenario.Today));

        given.And(Correct(given.IdOf(3), Sign("JD-2024-01", "2024-04-02", "2024-04-02", "2025-05-01").Data, reason: "Expiry misread"));

        Assert.Equal(PartnershipStage.Active, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void A_draft_recorded_late_is_judged_by_the_standing_when_it_occurred()
    {
        var given = Scenario.Given(Open("2024-03-01"), Suspend("2024-05-10"));

        given.When(Draft("JD-2024-01", "2024-05-15")).ThenRejected("partnership-suspended");
        given.When(Draft("JD-2024-01", "2024-05-01")).ThenAccepted<AgreementDrafted>();

        Assert.Equal(PartnershipStage.Suspended, given.State.StageOn(Scenario.Today));
        given.And(Resume("2024-05-20"));
        Assert.Equal(PartnershipStage.Negotiating, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void A_late_recorded_opening_date_does_not_matter_to_the_order_of_the_rest()
    {
        var state = PartnershipState.From(Scenario.Given(Open("2024-04-01"), Visit("2024-03-21"), Consensus("2024-03-22")).Entries.Reverse());

        Assert.Equal(PartnershipStage.Consensus, state.StageOn(Scenario.Today));
        Assert.Equal("Talent cultivation", state.Title);
    }
}
