using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class ReachConsensusTests
{
    [Fact]
    public void Consensus_is_recorded_with_its_areas_as_declared()
    {
        var given = Scenario.Given(Open(), Visit("2024-04-01"));

        var consensus = given.When(Consensus("2024-04-01", ConsensusLevel.Preliminary, CooperationArea.CustomTraining, CooperationArea.ProjectDocking))
            .ThenAccepted<ConsensusReached>();

        Assert.Equal(ConsensusLevel.Preliminary, consensus.Level);
        Assert.Equal([CooperationArea.CustomTraining, CooperationArea.ProjectDocking], given.State.DeclaredAreas);
        Assert.Equal(PartnershipStage.Consensus, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void Consensus_after_closing_is_rejected()
    {
        Scenario.Given(Open(), Close("2024-04-15")).When(Consensus("2024-05-01")).ThenRejected("partnership-closed");
    }

    [Fact]
    public void Consensus_without_a_summary_is_invalid_data()
    {
        var command = new ReachConsensus(new ConsensusReached(ConsensusLevel.Final, ""), On("2024-04-01"));

        Scenario.Given(Open()).When(command).ThenRejected("invalid-data", "summary");
    }
}
