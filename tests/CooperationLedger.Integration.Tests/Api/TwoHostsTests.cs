using System.Net;
using System.Text.Json.Nodes;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>Two processes of the service on one database: each decides against what the other wrote.</summary>
public sealed class TwoHostsTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_host_decides_against_entries_another_host_appended_since_it_last_looked()
    {
        await using var otherHost = api.CreateFactory();
        using var other = otherHost.CreateClient();
        other.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Writer.Key);
        var (id, _) = await OpenAsync(api.Writer);
        await AppendAsync(api.Writer, id, Note("seen by this host"));

        await AppendAsync(other, id, Draft("drafted-elsewhere"));
        await AppendAsync(other, id, Note("also elsewhere"));
        var signed = await AppendAsync(api.Writer, id, Sign("drafted-elsewhere", "2024-03-25", "2024-04-01", null));
        using var stale = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Note("stale"), headers => headers.IfMatch.ParseAdd("\"2\"")), Cancel);
        using var current = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Note("current"), headers => headers.IfMatch.ParseAdd("\"5\"")), Cancel);
        using var taken = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Draft("drafted-elsewhere", "2024-04-02")), Cancel);

        Assert.Equal(5, signed["events"]![0]!["version"]!.GetValue<long>());
        await AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.Created, current.StatusCode);
        Assert.Equal("agreement-id-taken", (await AssertProblemAsync(taken, HttpStatusCode.UnprocessableEntity))["rule"]!.GetValue<string>());
        var summary = await GetJsonAsync(api.Reader, $"/api/partnerships/{id}");
        Assert.Equal(6, summary["version"]!.GetValue<long>());
        Assert.Equal("active", summary["agreements"]![0]!["status"]!.GetValue<string>());
        var items = (await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline"))["items"]!.AsArray();
        Assert.Equal(
            ["partnership-opened", "note-added", "agreement-drafted", "note-added", "agreement-signed", "note-added"],
            items.Select(item => item!["type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Summaries_written_by_either_host_include_the_others_entries()
    {
        await using var otherHost = api.CreateFactory();
        using var other = otherHost.CreateClient();
        other.DefaultRequestHeaders.Add("X-Api-Key", TestKeys.Writer.Key);
        var (id, _) = await OpenAsync(api.Writer);

        await AppendAsync(other, id, Visit());
        await AppendAsync(api.Writer, id, Consensus());
        await AppendAsync(other, id, new JsonArray(Note("one"), Note("two")));
        await AppendAsync(api.Writer, id, Note("three"));

        var summary = await GetJsonAsync(api.Reader, $"/api/partnerships/{id}");
        Assert.Equal(6, summary["version"]!.GetValue<long>());
        Assert.Equal("consensus", summary["stage"]!.GetValue<string>());
        Assert.Equal(1, summary["visitCount"]!.GetValue<int>());
    }
}
