using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class SuspendPartnershipTests
{
    [Fact]
    public void A_suspension_overrides_the_stage()
    {
        var given = Scenario.Given(Open(), Visit("2024-04-01"));

        given.When(Suspend("2024-04-10", "Leadership change")).ThenAccepted<PartnershipSuspended>();

        Assert.Equal(PartnershipStanding.Suspended, given.State.Standing);
        Assert.Equal("Leadership change", given.State.StandingReason);
        Assert.Equal(PartnershipStage.Suspended, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void A_suspended_partnership_still_accepts_visits_and_renewals()
    {
        Scenario.Given(
                Open(), Draft("JD-2024-01", "2024-04-20"), Sign("JD-2024-01", "2024-04-21", "2024-04-21", "2025-04-20"),
                Suspend("2024-04-25"), Visit("2024-05-01"))
            .When(Renew("JD-2024-01", "2024-05-02", "2026-04-20"))
            .ThenAccepted<AgreementRenewed>();
    }

    [Fact]
    public void A_suspended_partnership_cannot_be_suspended_again()
    {
        Scenario.Given(Open(), Suspend("2024-04-10", "Leadership change"))
            .When(Suspend("2024-04-20"))
            .ThenRejected("partnership-already-suspended", "2024-04-10", "Leadership change");
    }

    [Fact]
    public void A_closed_partnership_cannot_be_suspended()
    {
        Scenario.Given(Open(), Close("2024-04-15")).When(Suspend("2024-04-20")).ThenRejected("partnership-closed");
    }
}
