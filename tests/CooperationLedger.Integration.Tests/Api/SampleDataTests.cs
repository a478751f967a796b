using CooperationLedger.Integration.Tests.Infrastructure;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>The API on a configured database with sample data asked for, as it is by default on the embedded one.</summary>
public sealed class SampleLedgerApi(PostgresServer server) : LedgerApi(server)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Ledger:SampleData"] = "true" };
}

public sealed class SampleDataTests(SampleLedgerApi api) : IClassFixture<SampleLedgerApi>
{
    [Fact]
    public async Task The_sample_partnerships_load_into_an_empty_store_in_their_stages_and_only_once()
    {
        var first = await StagesAsync(api.Reader);

        await using (var restarted = api.CreateFactory())
        {
            using var client = restarted.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Reader.Key);
            Assert.Equal(first, await StagesAsync(client));
        }

        Assert.Equal(3, first.Count);
        Assert.Equal("consensus", first.Single(partnership => partnership.Title.Contains("Jiading", StringComparison.Ordinal)).Stage);
        Assert.Equal("intention", first.Single(partnership => partnership.Title.Contains("Shandong", StringComparison.Ordinal)).Stage);
        Assert.Equal("intention", first.Single(partnership => partnership.Title.Contains("Wujing", StringComparison.Ordinal)).Stage);
        var feed = await ApiRequests.GetJsonAsync(api.Auditor, "/api/timeline?limit=1000");
        Assert.All(feed["items"]!.AsArray(), item => Assert.Equal("sample-data", item!["recordedBy"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_directory_joins_the_home_institutions_three_names()
    {
        var feed = await ApiRequests.GetJsonAsync(api.Auditor, "/api/timeline?limit=1000");
        var head = feed["items"]!.AsArray()[^1]!["sequence"]!.GetValue<long>();
        var directory = await ApiRequests.GetJsonAsync(api.Reader, $"/api/organizations?minSequence={head}");

        var home = directory["organizations"]![0]!;
        Assert.True(home["isHome"]!.GetValue<bool>());
        var names = home["aliases"]!.AsArray().Select(alias => alias!.GetValue<string>()).Append(home["name"]!.GetValue<string>()).ToList();
        Assert.Contains("CTO School", names);
        Assert.Contains("ECNU-Shanghai International School of Chief Technology Officer", names);
        Assert.Contains("Shanghai International Chief Technology Officer College at East China Normal University", names);
    }

    private static async Task<List<(string Title, string Stage)>> StagesAsync(HttpClient client)
    {
        var list = await ApiRequests.GetJsonAsync(client, "/api/partnerships");
        return [.. list["items"]!.AsArray().Select(item => (item!["title"]!.GetValue<string>(), item["stage"]!.GetValue<string>())).Order()];
    }
}
