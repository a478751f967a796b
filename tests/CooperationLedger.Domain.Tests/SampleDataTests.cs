using CooperationLedger.Domain.Tests.Support;

namespace CooperationLedger.Domain.Tests;

public sealed class SampleDataTests
{
    private static readonly IReadOnlyList<PartnershipStream> Partnerships = SampleLedger.Partnerships();

    private static PartnershipSummary Summary(string titleFragment)
    {
        var partnership = Partnerships.Titled(titleFragment);
        return PartnershipSummary.Create(partnership.PartnershipId, partnership.Entries, SampleLedger.Today);
    }

    [Fact]
    public void The_sample_holds_three_partnerships()
    {
        Assert.Equal(3, Partnerships.Count);
    }

    [Fact]
    public void Jiading_reaches_consensus_after_its_visit()
    {
        var summary = Summary("Jiading");

        Assert.Equal(PartnershipStage.Consensus, summary.Stage);
        Assert.Equal(1, summary.VisitCount);
        Assert.Equal(PartnerKind.Government, Assert.Single(summary.Partners).Kind);
        Assert.Equal([CooperationArea.CustomTraining, CooperationArea.ProjectDocking], summary.DeclaredAreas);
    }

    [Fact]
    public void Jiading_visit_names_every_participant_the_article_names()
    {
        var visit = Assert.Single(PartnershipState.From(Partnerships.Titled("Jiading").Entries).History.Effective
            .Select(entry => entry.Event).OfType<VisitHeld>());

        Assert.Equal(VisitDirection.Inbound, visit.Direction);
        Assert.Equal(("Chen Xin", "Deputy Director"), (visit.DelegationLead.Name, visit.DelegationLead.Title));
        Assert.Equal(
            ["He Jiaxun", "Wang Zhenghuan", "Wu Xiaobo", "Peng Yuxin"],
            visit.Participants.Select(participant => participant.Name));
        Assert.All(visit.Participants, participant => Assert.Equal(ParticipantSide.Home, participant.Side));
        Assert.Contains(visit.Topics, topic => topic.Contains("customized training", StringComparison.Ordinal));
    }

    [Fact]
    public void Shandong_declares_the_four_intentions_on_the_day_of_its_visit()
    {
        var summary = Summary("Shandong");

        Assert.Equal(PartnershipStage.Intention, summary.Stage);
        Assert.Equal(PartnerKind.University, Assert.Single(summary.Partners).Kind);
        Assert.Equal(
            [CooperationArea.StrategicAlliance, CooperationArea.CourseSharing, CooperationArea.FacultySharing, CooperationArea.MutualVisits],
            summary.DeclaredAreas);
        Assert.Equal(new DateOnly(2024, 3, 21), summary.LastActivityOn);
    }

    [Fact]
    public void Shandong_visit_happened_on_the_morning_of_march_21_recorded_as_a_date()
    {
        var visitEntry = Assert.Single(
            PartnershipState.From(Partnerships.Titled("Shandong").Entries).History.Effective,
            entry => entry.Event is VisitHeld);

        Assert.True(visitEntry.OccurredAt.IsDate);
        Assert.Equal("2024-03-21", visitEntry.OccurredAt.ToString());
        var visit = (VisitHeld)visitEntry.Event;
        Assert.Equal(["Qiao Yue", "Zhao Yun"], visit.Participants.Where(participant => participant.Side == ParticipantSide.Partner).Select(participant => participant.Name));
        Assert.Equal(
            ["He Jiaxun", "Wu Xiaobo", "Peng Yuxin", "Cheng Yufei"],
            visit.Participants.Where(participant => participant.Side == ParticipantSide.Home).Select(participant => participant.Name));
    }

    [Fact]
    public void Wujing_stays_at_intention_because_no_agreement_was_published()
    {
        var partnership = Partnerships.Titled("NEO Bay");
        var summary = PartnershipSummary.Create(partnership.PartnershipId, partnership.Entries, SampleLedger.Today);

        Assert.Equal(PartnershipStage.Intention, summary.Stage);
        Assert.Empty(summary.Agreements);
        Assert.Equal([CooperationArea.CustomTraining], summary.DeclaredAreas);
        Assert.Equal(1, PartnershipState.From(partnership.Entries).MilestoneCount);
    }

    [Fact]
    public void Every_entry_carries_its_article_published_after_the_events()
    {
        var entries = Partnerships.SelectMany(partnership => partnership.Entries).ToList();

        Assert.All(entries, entry =>
        {
            var source = Assert.IsType<Source>(entry.Source);
            Assert.Equal(SourceKind.NewsArticle, source.Kind);
            Assert.Contains(source.PublishedOn, new DateOnly?[] { new(2024, 4, 9), new(2024, 4, 10) });
            Assert.True(source.PublishedOn > entry.OccurredAt.Day, $"{source.Title} was published before {entry.OccurredAt}.");
        });
    }

    [Fact]
    public void The_home_institution_of_the_sample_is_the_cto_school()
    {
        Assert.Equal(HomeInstitution.CtoSchool.Name, SampleLedger.Home().Name);
        Assert.Equal(HomeInstitution.CtoSchool.Aliases, SampleLedger.Home().Aliases);
    }
}
