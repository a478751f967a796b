using System.Net;
using System.Text.Json.Nodes;
using CooperationLedger.Api.Ledger;
using CooperationLedger.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>
/// The service remembers each partnership it wrote with only the tail of its history, so its memory does not grow
/// with every entry; what a tail cannot decide (a late entry, a correction) is decided on the history read again.
/// </summary>
public sealed class RememberedStateTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private CommittedStates Committed => api.Services.GetRequiredService<CommittedStates>();

    [Fact]
    public async Task A_partnership_appended_to_is_remembered_without_its_whole_history()
    {
        var (id, _) = await OpenAsync(api.Writer);
        await AppendAsync(api.Writer, id, new JsonArray(Visit("2024-03-10"), Visit("2024-03-11"), Note("Met again", "2024-03-12")));

        var remembered = Committed.Latest(id);

        Assert.NotNull(remembered);
        Assert.Equal(4, remembered.Version);
        Assert.Equal(2, remembered.VisitCount);
        Assert.False(remembered.History.IsWhole);
    }

    [Fact]
    public async Task A_late_entry_after_a_remembered_append_is_checked_against_the_partnership_as_it_stood_then()
    {
        var (id, _) = await OpenAsync(api.Writer);
        await AppendAsync(api.Writer, id, Draft("late-A", occurredAt: "2024-04-10"));

        using var signedBeforeDrafted = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Sign("late-A", "2024-04-05", "2024-04-05", null)), Cancel);
        using var lateVisit = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Visit("2024-03-15")), Cancel);

        var problem = await AssertProblemAsync(signedBeforeDrafted, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("agreement-not-drafted", problem["rule"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, lateVisit.StatusCode);
        var summary = await GetJsonAsync(api.Reader, $"/api/partnerships/{id}");
        Assert.Equal(3, summary["version"]!.GetValue<long>());
        Assert.Equal(1, summary["visitCount"]!.GetValue<int>());
        Assert.Equal(3, Committed.Latest(id)!.Version);
    }

    [Fact]
    public async Task A_correction_after_a_remembered_append_finds_the_entry_it_corrects()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var visited = await AppendAsync(api.Writer, id, Visit("2024-03-10", lead: "Ada Chen"));
        var visitId = visited["events"]![0]!["eventId"]!.GetValue<string>();
        var correctedVisit = Visit("2024-03-10", lead: "Grace Wu")["data"]!.DeepClone().AsObject();

        var corrected = await AppendAsync(api.Writer, id, Entry("entry-corrected", "2024-03-20", new JsonObject
        {
            ["eventId"] = visitId,
            ["reason"] = "The article named the wrong lead",
            ["data"] = correctedVisit,
        }));

        Assert.Equal(3, corrected["events"]![0]!["version"]!.GetValue<long>());
        var timeline = (await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline"))["items"]!.AsArray();
        Assert.Contains("Grace Wu", timeline[1]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
