using System.Text.Json;
using CooperationLedger.Domain.Tests.Support;

namespace CooperationLedger.Domain.Tests.ReadModels;

/// <summary>The read models go on the wire through the same source-generated context as the events.</summary>
public sealed class ReadModelJsonTests
{
    private static readonly IReadOnlyList<PartnershipStream> Partnerships = SampleLedger.Partnerships();

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [Fact]
    public void A_summary_is_written_with_kebab_case_stage_and_iso_dates()
    {
        var jiading = Partnerships.Titled("Jiading");
        var summary = PartnershipSummary.Create(jiading.PartnershipId, jiading.Entries, SampleLedger.Today);

        var json = Parse(JsonSerializer.Serialize(summary, DomainJsonContext.Default.PartnershipSummary));

        Assert.Equal("consensus", json.GetProperty("stage").GetString());
        Assert.Equal("2024-04-01", json.GetProperty("lastActivityOn").GetString());
        Assert.Equal(["custom-training", "project-docking"], json.GetProperty("declaredAreas").EnumerateArray().Select(area => area.GetString()));
        Assert.False(json.TryGetProperty("nextExpiry", out _));
    }

    [Fact]
    public void A_timeline_keeps_dates_as_written_and_links_corrections()
    {
        var shandong = Partnerships.Titled("Shandong");

        var json = Parse(JsonSerializer.Serialize(Timeline.Create(shandong.Entries), DomainJsonContext.Default.IReadOnlyListTimelineEntry));

        var visit = json.EnumerateArray().Single(entry => entry.GetProperty("type").GetString() == "visit-held");
        Assert.Equal("2024-03-21", visit.GetProperty("occurredAt").GetString());
        Assert.Equal("news-article", visit.GetProperty("source").GetProperty("kind").GetString());
        Assert.Equal(0, visit.GetProperty("correctedBy").GetArrayLength());
    }

    [Fact]
    public void The_directory_and_pipeline_are_written_too()
    {
        var directory = OrganizationDirectory.Create(SampleLedger.Home(), Partnerships);
        var summaries = Partnerships.Select(partnership => PartnershipSummary.Create(partnership.PartnershipId, partnership.Entries, SampleLedger.Today));
        var pipeline = Pipeline.Create(summaries, SampleLedger.Today, staleAfterDays: 30, expiringWithinDays: 60);

        var directoryJson = Parse(JsonSerializer.Serialize(directory, DomainJsonContext.Default.OrganizationDirectory));
        var pipelineJson = Parse(JsonSerializer.Serialize(pipeline, DomainJsonContext.Default.Pipeline));

        Assert.Equal(4, directoryJson.GetProperty("organizations").GetArrayLength());
        Assert.Equal(
            ["consensus:1", "intention:2"],
            pipelineJson.GetProperty("byStage").EnumerateArray().Select(count => $"{count.GetProperty("stage").GetString()}:{count.GetProperty("count").GetInt32()}"));
    }
}
