using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests;

public sealed class SummaryTests
{
    private static readonly Guid PartnershipId = Guid.Parse("0190a6b2-7c4e-7d2a-9c1e-5f0e3b8a1d42");

    [Fact]
    public void The_summary_gathers_what_the_partnership_has_come_to()
    {
        var given = Scenario.Given(
            Open("2024-03-01", "Talent cultivation"),
            Visit("2024-03-21"),
            Intention("2024-03-21", CooperationArea.StrategicAlliance, CooperationArea.CourseSharing),
            Draft("A", "2024-04-01", "Course sharing", CooperationArea.CourseSharing),
            Sign("A", "2024-04-10", "2024-04-10", "2024-12-31"),
            Draft("B", "2024-04-02", "Faculty sharing", CooperationArea.FacultySharing),
            Sign("B", "2024-04-11", "2024-07-01", "2024-09-30"),
            Draft("C", "2024-04-03", "Joint research", CooperationArea.JointResearch),
            Visit("2024-05-01"),
            Note("2024-05-20"));

        var summary = PartnershipSummary.Create(PartnershipId, given.Entries, Scenario.Today);

        Assert.Equal(PartnershipId, summary.Id);
        Assert.Equal("Talent cultivation", summary.Title);
        Assert.Equal(PartnershipStage.Active, summary.Stage);
        Assert.Equal(10, summary.Version);
        Assert.Equal(2, summary.VisitCount);
        Assert.Equal([CooperationArea.StrategicAlliance, CooperationArea.CourseSharing], summary.DeclaredAreas);
        Assert.Equal([CooperationArea.CourseSharing, CooperationArea.FacultySharing], summary.AgreedAreas);
        Assert.Equal(
            [("A", AgreementStatus.Active), ("B", AgreementStatus.Signed), ("C", AgreementStatus.Drafted)],
            summary.Agreements.Select(agreement => (agreement.AgreementId, agreement.Status)));
        Assert.Equal(Day("2024-05-01"), summary.LastActivityOn);
        Assert.Equal(31, summary.DaysSinceLastActivity);
        Assert.Equal(Day("2024-09-30"), summary.NextExpiry);
        Assert.Equal(Scenario.Today, summary.AsOf);
    }

    [Fact]
    public void Expired_agreements_are_not_the_next_expiry()
    {
        var entries = Scenario.Given(Open(), Draft("A", "2024-04-01"), Sign("A", "2024-04-02", "2024-04-02", "2024-05-01")).Entries;

        var summary = PartnershipSummary.Create(PartnershipId, entries, Scenario.Today);

        Assert.Equal(AgreementStatus.Expired, Assert.Single(summary.Agreements).Status);
        Assert.Null(summary.NextExpiry);
        Assert.Equal(PartnershipStage.Lapsed, summary.Stage);
    }
}
