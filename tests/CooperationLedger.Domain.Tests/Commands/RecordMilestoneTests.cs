using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class RecordMilestoneTests
{
    [Fact]
    public void A_milestone_is_recorded_and_counts_as_activity()
    {
        var given = Scenario.Given(Open("2024-03-01"));

        var milestone = given.When(Milestone("2024-04-01", "NEO Bay course launched")).ThenAccepted<MilestoneRecorded>();

        Assert.Equal("NEO Bay course launched", milestone.Title);
        Assert.Equal(1, given.State.MilestoneCount);
        Assert.Equal(On("2024-04-01"), given.State.LastActivity);
    }

    [Fact]
    public void A_milestone_of_a_drafted_agreement_is_recorded()
    {
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"))
            .When(Milestone("2024-05-10", agreementId: "JD-2024-01"))
            .ThenAccepted<MilestoneRecorded>();
    }

    [Fact]
    public void A_milestone_cannot_refer_to_an_unknown_agreement()
    {
        Scenario.Given(Open())
            .When(Milestone("2024-05-10", agreementId: "JD-2024-99"))
            .ThenRejected("agreement-not-drafted", "'JD-2024-99'", "milestone");
    }

    [Fact]
    public void A_milestone_after_closing_is_rejected()
    {
        Scenario.Given(Open(), Close("2024-04-15")).When(Milestone("2024-05-10")).ThenRejected("partnership-closed");
    }
}
