using System.Globalization;
using System.Text.Json.Nodes;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>
/// The stored summary moves one step per entry recorded in occurred order and is folded again for late entries and
/// corrections; after every kind of entry it must equal the summary folded live from the whole stream.
/// </summary>
public sealed class SummaryFoldTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task After_in_order_late_and_correcting_entries_the_stored_summary_equals_the_live_fold()
    {
        var (id, _) = await OpenAsync(api.Writer);
        await AssertStoredEqualsLiveAsync(id, "the opening");

        await AppendAsync(api.Writer, id, Visit("2024-03-10", lead: "Ada Chen"));
        await AssertStoredEqualsLiveAsync(id, "a visit in order");

        await AppendAsync(api.Writer, id, Consensus("2024-03-12"));
        await AssertStoredEqualsLiveAsync(id, "a consensus in order");

        // Areas are listed in the order first named, so an earlier consensus recorded late must come first.
        var earlierConsensus = Consensus("2024-03-06");
        earlierConsensus["data"]!["areas"] = new JsonArray("faculty-sharing");
        await AppendAsync(api.Writer, id, earlierConsensus);
        await AssertStoredEqualsLiveAsync(id, "a consensus recorded after later entries");
        Assert.Equal(
            ["faculty-sharing", "custom-training"],
            (await GetJsonAsync(api.Reader, $"/api/partnerships/{id}"))["declaredAreas"]!.AsArray().Select(area => area!.GetValue<string>()));

        var late = await AppendAsync(api.Writer, id, Visit("2024-03-05", lead: "Bo Li"));
        await AssertStoredEqualsLiveAsync(id, "a visit recorded after later entries");

        var lateVisitId = late["events"]![0]!["eventId"]!.GetValue<string>();
        var corrected = (JsonObject)Visit("2024-03-05", lead: "Bo Li")["data"]!.DeepClone();
        corrected["delegationLead"]!["title"] = "Vice President";
        await AppendAsync(api.Writer, id, Entry("entry-corrected", "2024-03-15", new JsonObject
        {
            ["eventId"] = lateVisitId,
            ["reason"] = "The article gave his later title",
            ["data"] = corrected,
        }));
        await AssertStoredEqualsLiveAsync(id, "a correction");

        await AppendAsync(api.Writer, id, new JsonArray(Draft("charter", "2024-03-20"), Sign("charter", "2024-03-25", "2024-04-01", "2027-03-31")));
        await AssertStoredEqualsLiveAsync(id, "a draft and its signing after a correction");

        var summary = await GetJsonAsync(api.Reader, $"/api/partnerships/{id}");
        Assert.Equal(8, summary["version"]!.GetValue<long>());
        Assert.Equal(2, summary["visitCount"]!.GetValue<int>());
    }

    private async Task AssertStoredEqualsLiveAsync(Guid id, string after)
    {
        var stored = await GetJsonAsync(api.Reader, $"/api/partnerships/{id}");
        var live = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}?validAt={Today}");
        Assert.True(JsonNode.DeepEquals(stored, live), $"After {after} the stored summary\n{stored}\ndiffers from the live fold\n{live}");
    }
}
