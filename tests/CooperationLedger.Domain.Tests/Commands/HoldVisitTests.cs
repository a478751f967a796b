using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class HoldVisitTests
{
    [Fact]
    public void A_visit_is_recorded_and_engages_the_partnership()
    {
        var given = Scenario.Given(Open());

        var visit = given.When(Visit("2024-04-01", participants: new Participant("He Jiaxun", "Dean", "CTO School", ParticipantSide.Home)))
            .ThenAccepted<VisitHeld>();

        Assert.Equal("Chen Xin", visit.DelegationLead.Name);
        Assert.Equal(1, given.State.VisitCount);
        Assert.Equal(PartnershipStage.Engaged, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void A_visit_needs_an_opened_partnership()
    {
        Scenario.Given().When(Visit("2024-04-01")).ThenRejected("partnership-not-opened", "visit-held");
    }

    [Fact]
    public void A_visit_after_closing_is_rejected()
    {
        Scenario.Given(Open(), Close("2024-04-15", "Programme ended"))
            .When(Visit("2024-05-01"))
            .ThenRejected("partnership-closed", "2024-04-15", "Programme ended");
    }

    [Fact]
    public void A_visit_that_occurred_before_the_closing_can_still_be_recorded_late()
    {
        var given = Scenario.Given(Open(), Close("2024-04-15"));

        given.When(Visit("2024-04-01")).ThenAccepted<VisitHeld>();

        Assert.Equal(1, given.State.VisitCount);
        Assert.Equal(PartnershipStage.Closed, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void A_visit_with_a_blank_delegation_lead_is_invalid_data()
    {
        Scenario.Given(Open()).When(Visit("2024-04-01", leadName: " ")).ThenRejected("invalid-data", "delegationLead.name");
    }
}
