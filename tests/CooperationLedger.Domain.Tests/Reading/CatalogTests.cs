using System.Text.Json;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Reading;

public sealed class CatalogTests
{
    private static readonly PartnershipEvent[] OneOfEach =
    [
        Open().Data,
        Visit("2024-04-01", location: "CTO School", participants: new Participant("He Jiaxun", "Dean", "CTO School", ParticipantSide.Home)).Data,
        Consensus("2024-04-01", ConsensusLevel.Final, CooperationArea.ProjectDocking).Data,
        Intention("2024-04-01", CooperationArea.StrategicAlliance).Data,
        Draft("A", "2024-04-01").Data,
        Sign("A", "2024-04-02", "2024-04-02", "2025-04-01").Data,
        Milestone("2024-04-03", agreementId: "A").Data,
        Renew("A", "2024-04-04", "2026-04-01").Data,
        Terminate("A", "2024-04-05").Data,
        Suspend("2024-04-06").Data,
        Resume("2024-04-07").Data,
        Close("2024-04-08").Data,
        Note("2024-04-09").Data,
        AttachedSource("2024-04-10").Data,
        Correct(Guid.Parse("0190a6b2-7c4e-7d2a-9c1e-5f0e3b8a1d42"), Note("2024-04-09", "Corrected").Data).Data,
    ];

    [Fact]
    public void The_catalog_names_every_event_type_once_with_the_public_aliases()
    {
        Assert.Equal(
            [
                "partnership-opened", "visit-held", "consensus-reached", "intention-declared", "agreement-drafted", "agreement-signed",
                "milestone-recorded", "agreement-renewed", "agreement-terminated", "partnership-suspended", "partnership-resumed",
                "partnership-closed", "note-added", "source-attached", "entry-corrected",
            ],
            PartnershipEventCatalog.All.Select(entry => entry.Alias));
        Assert.Equal(PartnershipEventCatalog.All.Count, PartnershipEventCatalog.All.Select(entry => entry.Type).Distinct().Count());
        Assert.All(PartnershipEventCatalog.All, entry =>
        {
            Assert.Equal(entry.Type, entry.TypeInfo.Type);
            Assert.Equal(1, entry.SchemaVersion);
            Assert.True(typeof(PartnershipEvent).IsAssignableFrom(entry.Type));
        });
    }

    [Fact]
    public void Every_event_type_round_trips_through_its_catalog_entry_and_the_reader()
    {
        Assert.Equal(PartnershipEventCatalog.All.Select(entry => entry.Type), OneOfEach.Select(@event => @event.GetType()));
        foreach (var @event in OneOfEach)
        {
            var entry = PartnershipEventCatalog.For(@event);
            var json = JsonSerializer.Serialize(@event, entry.TypeInfo);

            var read = EventDataReader.Read(entry.Alias, JsonElementOf(json));

            Assert.True(read.IsValid, $"{entry.Alias}: {string.Join("; ", read.Errors.Select(error => $"{error.Key} {string.Join(" ", error.Value)}"))}");
            Assert.Equal(json, JsonSerializer.Serialize(read.Value, entry.TypeInfo));
        }
    }

    [Fact]
    public void Json_is_camel_case_with_kebab_case_enums_and_no_nulls()
    {
        var json = JsonSerializer.Serialize(
            (MilestoneRecorded)Milestone("2024-04-03", "Course launched").Data,
            DomainJsonContext.Default.MilestoneRecorded);

        Assert.Equal("""{"title":"Course launched","area":"custom-training"}""", json);
    }

    [Fact]
    public void Enum_names_are_the_issue_s_kebab_case_strings()
    {
        Assert.Equal(
            ["strategic-alliance", "course-sharing", "faculty-sharing", "mutual-visits", "custom-training", "project-docking", "joint-research", "executive-education", "other"],
            StableNames.All<CooperationArea>());
        Assert.Equal(["news-article", "minutes", "signed-document", "photo", "other"], StableNames.All<SourceKind>());
        Assert.Equal(["mou", "framework", "specific"], StableNames.All<AgreementKind>());
        Assert.Equal(["inbound", "outbound"], StableNames.All<VisitDirection>());
        Assert.Equal(["home", "partner"], StableNames.All<ParticipantSide>());
    }

    [Fact]
    public void An_unknown_alias_is_not_found()
    {
        Assert.False(PartnershipEventCatalog.TryGet("visit", out _));
        Assert.True(PartnershipEventCatalog.TryGet("visit-held", out var visit));
        Assert.Equal(typeof(VisitHeld), visit.Type);
    }
}
