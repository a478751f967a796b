using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class ClosePartnershipTests
{
    [Fact]
    public void Closing_overrides_every_other_stage()
    {
        var given = Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"), Sign("JD-2024-01", "2024-04-21", "2024-04-21", null));

        given.When(Close("2024-05-01", "Programme completed")).ThenAccepted<PartnershipClosed>();

        Assert.Equal(PartnershipStage.Closed, given.State.StageOn(Scenario.Today));
        Assert.Equal("Programme completed", given.State.StandingReason);
    }

    [Fact]
    public void A_suspended_partnership_can_be_closed()
    {
        Scenario.Given(Open(), Suspend("2024-04-10")).When(Close("2024-05-01")).ThenAccepted<PartnershipClosed>();
    }

    [Fact]
    public void A_closed_partnership_cannot_be_closed_again()
    {
        Scenario.Given(Open(), Close("2024-04-15", "Programme completed"))
            .When(Close("2024-05-01"))
            .ThenRejected("partnership-closed", "2024-04-15");
    }

    [Fact]
    public void A_closing_recorded_late_cannot_come_before_activity_already_recorded()
    {
        Scenario.Given(Open(), Visit("2024-05-01"))
            .When(Close("2024-04-15"))
            .ThenRejected("contradicts-later-entry", "visit-held", "2024-05-01", "closed on 2024-04-15");
    }
}
