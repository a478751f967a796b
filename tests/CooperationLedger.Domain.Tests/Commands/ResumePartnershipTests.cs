using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class ResumePartnershipTests
{
    [Fact]
    public void Resuming_returns_to_the_stage_reached_before_the_suspension()
    {
        var given = Scenario.Given(Open(), Visit("2024-04-01"), Consensus("2024-04-01"), Suspend("2024-04-10"));

        given.When(Resume("2024-04-20", "New contact appointed")).ThenAccepted<PartnershipResumed>();

        Assert.Equal(PartnershipStanding.Open, given.State.Standing);
        Assert.Equal(PartnershipStage.Consensus, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void A_partnership_that_is_not_suspended_cannot_be_resumed()
    {
        Scenario.Given(Open()).When(Resume("2024-04-20")).ThenRejected("partnership-not-suspended", "not suspended");
    }

    [Fact]
    public void A_resumption_cannot_predate_the_suspension()
    {
        Scenario.Given(Open(), Suspend("2024-04-10"))
            .When(Resume("2024-04-05"))
            .ThenRejected("partnership-not-suspended");
    }

    [Fact]
    public void A_closed_partnership_cannot_be_resumed()
    {
        Scenario.Given(Open(), Suspend("2024-04-10"), Close("2024-04-15")).When(Resume("2024-04-20")).ThenRejected("partnership-closed");
    }
}
