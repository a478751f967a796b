using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.ReadModels;

public sealed class TimelineTests
{
    [Fact]
    public void The_jiading_visit_reads_as_a_visit_from_the_commission()
    {
        var timeline = Timeline.Create(SampleLedger.Partnerships().Titled("Jiading").Entries);

        var visit = Assert.Single(timeline, entry => entry.Type == "visit-held");
        Assert.Equal("Visit from the Science and Technology Commission of Jiading District led by Chen Xin, Deputy Director", visit.Summary);
        Assert.Equal("2024-04-01", visit.OccurredAt.ToString());
        Assert.Equal(new DateOnly(2024, 4, 9), visit.Source?.PublishedOn);
    }

    [Fact]
    public void Each_kind_of_entry_has_its_one_line_summary()
    {
        var given = Scenario.Given(
            Open("2024-03-01", "Talent cultivation"),
            Visit("2024-03-10", VisitDirection.Outbound, "He Jiaxun", "Dean", "CTO School", location: "Jiading District"),
            Visit("2024-03-11", VisitDirection.Outbound, "He Jiaxun", "Dean", "CTO School"),
            Consensus("2024-03-12", ConsensusLevel.Final),
            Intention("2024-03-13", CooperationArea.StrategicAlliance, CooperationArea.CourseSharing, CooperationArea.MutualVisits),
            Draft("JD-1", "2024-03-14", "Custom training"),
            Sign("JD-1", "2024-03-15", "2024-04-01", "2025-03-31"),
            Milestone("2024-03-16", "First cohort", "JD-1"),
            Renew("JD-1", "2024-03-17", "2026-03-31"),
            Terminate("JD-1", "2024-03-18", "Budget withdrawn"),
            Suspend("2024-03-19", "Leadership change"),
            Resume("2024-03-20", "New director"),
            Note("2024-03-21", "Call\nback"),
            AttachedSource("2024-03-22", "Minutes of March"),
            Close("2024-03-23", "Completed"));

        Assert.Equal(
            [
                "Partnership \"Talent cultivation\" opened with the Science and Technology Commission of Jiading District, Shanghai (government)",
                "Visit to Jiading District led by He Jiaxun, Dean",
                "Visit to the Science and Technology Commission of Jiading District, Shanghai led by He Jiaxun, Dean",
                "Final consensus: Further strategic cooperation",
                "Intention declared: strategic alliance, course sharing and mutual visits",
                "Framework agreement 'JD-1' drafted: Custom training",
                "Agreement 'JD-1' signed on 2024-03-15 by He Jiaxun (Dean) and Chen Xin (Deputy Director); in effect from 2024-04-01 until 2025-03-31",
                "Milestone: First cohort (agreement 'JD-1')",
                "Agreement 'JD-1' renewed until 2026-03-31",
                "Agreement 'JD-1' terminated: Budget withdrawn",
                "Partnership suspended: Leadership change",
                "Partnership resumed: New director",
                "Note: Call back",
                "Source attached (minutes): Minutes of March",
                "Partnership closed: Completed",
            ],
            Timeline.Create(given.Entries).Select(entry => entry.Summary));
    }

    [Fact]
    public void Corrections_are_linked_both_ways_and_the_summary_shows_the_corrected_data()
    {
        var given = Scenario.Given(Open(), Visit("2024-04-01", leadName: "Chen Xing"));
        var visitId = given.IdOf(2);
        given.And(
            Correct(visitId, Visit("2024-04-01", leadName: "Chen Xin").Data, reason: "Name misspelt"),
            Correct(visitId, Visit("2024-04-01", leadName: "Chen Xin", leadTitle: "Deputy Director (acting)").Data, reason: "Title"));

        var timeline = Timeline.Create(given.Entries);

        var visit = timeline[1];
        Assert.True(visit.IsCorrected);
        Assert.Equal([given.IdOf(3), given.IdOf(4)], visit.CorrectedBy);
        Assert.Contains("led by Chen Xin, Deputy Director (acting)", visit.Summary, StringComparison.Ordinal);
        Assert.Null(visit.Corrects);
        Assert.All(timeline.Skip(2), correction =>
        {
            Assert.Equal("entry-corrected", correction.Type);
            Assert.Equal(visitId, correction.Corrects);
            Assert.False(correction.IsCorrected);
        });
        Assert.Equal("Correction of the visit-held entry of 2024-04-01: Name misspelt", timeline[2].Summary);
    }

    [Fact]
    public void Entries_are_in_version_order_whatever_order_they_occurred_in()
    {
        var given = Scenario.Given(Open("2024-03-01"), Visit("2024-05-01"), Visit("2024-04-01", leadName: "Han Shenghao"));

        var timeline = Timeline.Create(given.Entries.Reverse());

        Assert.Equal([1L, 2L, 3L], timeline.Select(entry => entry.Version));
        Assert.Equal(["2024-03-01", "2024-05-01", "2024-04-01"], timeline.Select(entry => entry.OccurredAt.ToString()));
        Assert.All(timeline, entry => Assert.Equal("tester", entry.RecordedBy));
        Assert.Equal(given.Entries[1].RecordedAt, timeline[1].RecordedAt);
    }
}
