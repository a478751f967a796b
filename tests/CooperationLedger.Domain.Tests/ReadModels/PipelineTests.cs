using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.ReadModels;

public sealed class PipelineTests
{
    private static readonly Partner University = new("School of Innovation and Entrepreneurship, Shandong University", PartnerKind.University);
    private static readonly Partner Enterprise = new("NEO Bay Enterprise Service Co.", PartnerKind.Enterprise);

    private static PartnershipSummary Summary(int number, params Command[] history) =>
        PartnershipSummary.Create(SampleLedger.PartnershipIdFor(number), Scenario.Given(history).Entries, Scenario.Today);

    private static readonly PartnershipSummary[] Summaries =
    [
        Summary(0, Open("2024-03-01", "Quiet government", Jiading)),
        Summary(1, Open("2024-05-01", "Busy government", Jiading), Visit("2024-05-20")),
        Summary(2, Open("2024-03-01", "Tripartite", Jiading, Enterprise), Draft("T-1", "2024-03-02"),
            Sign("T-1", "2024-03-03", "2024-03-03", "2024-06-20"), Draft("T-2", "2024-03-04"), Sign("T-2", "2024-03-05", "2024-03-05", "2024-09-01")),
        Summary(3, Open("2024-01-01", "Closed university", University), Close("2024-01-15")),
        Summary(4, Open("2024-05-25", "University visit", University), Visit("2024-05-26")),
    ];

    [Fact]
    public void Partnerships_are_counted_by_stage_and_by_stage_and_partner_kind()
    {
        var pipeline = Pipeline.Create(Summaries, Scenario.Today, staleAfterDays: 30, expiringWithinDays: 30);

        Assert.Equal(
            [(PartnershipStage.Exploring, 1), (PartnershipStage.Engaged, 2), (PartnershipStage.Active, 1), (PartnershipStage.Closed, 1)],
            pipeline.ByStage.Select(count => (count.Stage, count.Count)));
        Assert.Equal(
            [
                (PartnershipStage.Exploring, PartnerKind.Government, 1),
                (PartnershipStage.Engaged, PartnerKind.Government, 1),
                (PartnershipStage.Engaged, PartnerKind.University, 1),
                (PartnershipStage.Active, PartnerKind.Government, 1),
                (PartnershipStage.Active, PartnerKind.Enterprise, 1),
                (PartnershipStage.Closed, PartnerKind.University, 1),
            ],
            pipeline.ByStageAndPartnerKind.Select(count => (count.Stage, count.PartnerKind, count.Count)));
    }

    [Fact]
    public void Partnerships_without_activity_for_n_days_are_stale_unless_closed()
    {
        var pipeline = Pipeline.Create(Summaries, Scenario.Today, staleAfterDays: 30, expiringWithinDays: 30);

        Assert.Equal(
            [("Quiet government", 92), ("Tripartite", 88)],
            pipeline.Stale.Select(stale => (stale.Title, stale.DaysSinceLastActivity)));
    }

    [Fact]
    public void The_stale_threshold_counts_whole_days()
    {
        Assert.Contains(Pipeline.Create(Summaries, Scenario.Today, staleAfterDays: 12, expiringWithinDays: 0).Stale, stale => stale.Title == "Busy government");
        Assert.DoesNotContain(Pipeline.Create(Summaries, Scenario.Today, staleAfterDays: 13, expiringWithinDays: 0).Stale, stale => stale.Title == "Busy government");
    }

    [Fact]
    public void Agreements_expiring_within_n_days_are_listed_soonest_first()
    {
        var within30 = Pipeline.Create(Summaries, Scenario.Today, staleAfterDays: 30, expiringWithinDays: 30);
        var within100 = Pipeline.Create(Summaries, Scenario.Today, staleAfterDays: 30, expiringWithinDays: 100);

        var expiring = Assert.Single(within30.Expiring);
        Assert.Equal(("T-1", 19, "Tripartite"), (expiring.AgreementId, expiring.DaysLeft, expiring.PartnershipTitle));
        Assert.Equal(["T-1", "T-2"], within100.Expiring.Select(agreement => agreement.AgreementId));
    }
}
