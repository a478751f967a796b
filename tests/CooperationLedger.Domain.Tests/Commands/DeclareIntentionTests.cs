using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class DeclareIntentionTests
{
    [Fact]
    public void Intentions_are_recorded_and_their_areas_declared_once()
    {
        var given = Scenario.Given(Open(), Consensus("2024-03-10", ConsensusLevel.Preliminary, CooperationArea.CourseSharing));

        given.When(Intention("2024-03-21", CooperationArea.StrategicAlliance, CooperationArea.CourseSharing, CooperationArea.FacultySharing))
            .ThenAccepted<IntentionDeclared>();

        Assert.Equal(
            [CooperationArea.CourseSharing, CooperationArea.StrategicAlliance, CooperationArea.FacultySharing],
            given.State.DeclaredAreas);
        Assert.Equal(PartnershipStage.Intention, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void An_intention_needs_at_least_one_area()
    {
        var command = new DeclareIntention(new IntentionDeclared([]), On("2024-03-21"));

        Scenario.Given(Open()).When(command).ThenRejected("invalid-data", "areas", "at least one");
    }

    [Fact]
    public void An_intention_after_closing_is_rejected()
    {
        Scenario.Given(Open(), Close("2024-04-15")).When(Intention("2024-05-01")).ThenRejected("partnership-closed");
    }
}
