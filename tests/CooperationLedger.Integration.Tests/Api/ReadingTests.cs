using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

public sealed class ReadingTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Today(int plusDays = 0) =>
        DateOnly.FromDateTime(DateTime.UtcNow).AddDays(plusDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_list_filters_by_stage_kind_and_a_search_over_titles_partner_names_and_aliases()
    {
        var token = Token();
        var (lab, _) = await OpenAsync(api.Writer, Opening($"Robotics lab {token}", $"Lakeside University {token}", "university", "2024-03-01", $"LU-{token}", "Lakeside Uni"));
        await AppendAsync(api.Writer, lab, new JsonArray(Visit(), Consensus()));
        var (district, _) = await OpenAsync(api.Writer, Opening($"Training programme {token}", $"Riverside District {token}", "government"));

        Assert.Equal([lab], await ListedAsync($"q={token}&stage=consensus"));
        Assert.Equal([district], await ListedAsync($"q={token}&kind=government"));
        Assert.Equal([lab], await ListedAsync($"q=lu-{token.ToUpperInvariant()}"));
        Assert.Equal([district], await ListedAsync($"q={Uri.EscapeDataString($"riverside district {token}")}"));
        Assert.Equal([lab], await ListedAsync($"q={Uri.EscapeDataString($"robotics lab {token}")}"));
        Assert.Equal(new[] { lab, district }.Order(), (await ListedAsync($"q={token}")).Order());
        Assert.Empty(await ListedAsync($"q={token}&stage=active"));
    }

    [Fact]
    public async Task The_list_counts_every_match_in_total_and_pages_with_offset_and_limit()
    {
        var token = Token();
        foreach (var index in Enumerable.Range(1, 5))
        {
            await OpenAsync(api.Writer, Opening($"Paged {index} {token}"));
        }

        var page = await GetJsonAsync(api.Reader, $"/api/partnerships?q={token}&offset=1&limit=2");

        Assert.Equal(5, page["total"]!.GetValue<int>());
        Assert.Equal([$"Paged 2 {token}", $"Paged 3 {token}"], page["items"]!.AsArray().Select(item => item!["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task StaleDays_lists_partnerships_without_activity_for_that_long()
    {
        var token = Token();
        var (quiet, _) = await OpenAsync(api.Writer, Opening($"Quiet {token}", occurredAt: "2024-03-01"));
        await OpenAsync(api.Writer, Opening($"Busy {token}", occurredAt: Today()));

        Assert.Equal([quiet], await ListedAsync($"q={token}&staleDays=30"));
        var summary = (await GetJsonAsync(api.Reader, $"/api/partnerships/{quiet}")).AsObject();
        Assert.True(summary["daysSinceLastActivity"]!.GetValue<int>() >= 30);
    }

    [Fact]
    public async Task Bad_filters_are_400_naming_each_parameter()
    {
        using var response = await api.Reader.GetAsync("/api/partnerships?stage=dormant&kind=planet&staleDays=soon&limit=0", Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["kind", "limit", "stage", "staleDays"], problem["errors"]!.AsObject().Select(error => error.Key).Order());
    }

    [Fact]
    public async Task A_summary_carries_its_version_as_etag_and_an_unknown_one_is_404()
    {
        var (id, _) = await OpenAsync(api.Writer);
        await AppendAsync(api.Writer, id, Note("second"));

        using var found = await api.Reader.GetAsync($"/api/partnerships/{id}", Cancel);
        using var missing = await api.Reader.GetAsync($"/api/partnerships/{Guid.CreateVersion7()}", Cancel);

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal("\"2\"", ETagOf(found));
        await AssertProblemAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AsOf_answers_what_the_ledger_knew_at_that_instant()
    {
        var (id, _) = await OpenAsync(api.Writer);
        await AppendAsync(api.Writer, id, new JsonArray(Visit(), Consensus()));
        var timeline = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline");
        var openedAt = DateTimeOffset.Parse(timeline["items"]![0]!["recordedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);

        using var then = await api.Auditor.GetAsync($"/api/partnerships/{id}?asOf={Uri.EscapeDataString(openedAt.ToString("O", CultureInfo.InvariantCulture))}", Cancel);
        using var before = await api.Auditor.GetAsync($"/api/partnerships/{id}?asOf={Uri.EscapeDataString(openedAt.AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture))}", Cancel);
        var now = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture))}");

        var knownThen = (await ReadJsonAsync(then))!;
        Assert.Equal(1, knownThen["version"]!.GetValue<long>());
        Assert.Equal("exploring", knownThen["stage"]!.GetValue<string>());
        Assert.Equal("\"1\"", ETagOf(then));
        Assert.Equal("consensus", now["stage"]!.GetValue<string>());
        await AssertProblemAsync(before, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ValidAt_answers_what_was_true_on_that_day_counting_entries_recorded_later()
    {
        var (id, _) = await OpenAsync(api.Writer);
        await AppendAsync(api.Writer, id, Consensus("2024-03-12"));
        await AppendAsync(api.Writer, id, Visit("2024-03-10"));

        var beforeVisit = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}?validAt=2024-03-09");
        var afterVisit = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}?validAt=2024-03-11");
        var afterConsensus = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}?validAt=2024-03-12");
        using var beforeOpening = await api.Auditor.GetAsync($"/api/partnerships/{id}?validAt=2024-02-01", Cancel);

        Assert.Equal("exploring", beforeVisit["stage"]!.GetValue<string>());
        Assert.Equal("engaged", afterVisit["stage"]!.GetValue<string>());
        Assert.Equal(1, afterVisit["visitCount"]!.GetValue<int>());
        Assert.Equal("consensus", afterConsensus["stage"]!.GetValue<string>());
        Assert.Equal("2024-03-12", afterConsensus["asOf"]!.GetValue<string>());
        await AssertProblemAsync(beforeOpening, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ValidAt_applies_a_correction_recorded_later_to_the_entry_it_corrects()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var appended = await AppendAsync(api.Writer, id, Draft("wrongly-titled", "2024-03-20"));
        var draftId = appended["events"]![0]!["eventId"]!.GetValue<string>();
        var corrected = (JsonObject)Draft("wrongly-titled")["data"]!.DeepClone();
        corrected["title"] = "Corrected title";
        await AppendAsync(api.Writer, id, Entry("entry-corrected", "2024-06-01", new JsonObject
        {
            ["eventId"] = draftId,
            ["reason"] = "The article named it differently",
            ["data"] = corrected,
        }));

        var onTheDay = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}?validAt=2024-03-21");

        Assert.Equal("Corrected title", onTheDay["agreements"]![0]!["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("reader", "asOf", HttpStatusCode.Forbidden)]
    [InlineData("reader", "validAt", HttpStatusCode.Forbidden)]
    [InlineData("writer", "asOf", HttpStatusCode.Forbidden)]
    [InlineData("writer", "validAt", HttpStatusCode.Forbidden)]
    [InlineData("auditor", "asOf", HttpStatusCode.OK)]
    [InlineData("auditor", "validAt", HttpStatusCode.OK)]
    [InlineData("admin", "asOf", HttpStatusCode.OK)]
    [InlineData("admin", "validAt", HttpStatusCode.OK)]
    public async Task AsOf_and_validAt_are_answered_only_for_a_key_with_the_auditor_role(string role, string parameter, HttpStatusCode expected)
    {
        var (id, _) = await OpenAsync(api.Writer);
        var value = parameter == "asOf" ? DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture) : Today();
        var path = $"/api/partnerships/{id}?{parameter}={Uri.EscapeDataString(value)}";
        using var client = api.Client(TestKeys.All.Single(key => key.Role == role));

        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(id.ToString(), (await GetJsonAsync(client, path))["id"]!.GetValue<string>());
        }
        else
        {
            using var response = await client.GetAsync(path, Cancel);
            await AssertProblemAsync(response, expected);
        }
    }

    [Fact]
    public async Task AsOf_and_validAt_need_a_well_formed_value()
    {
        var (id, _) = await OpenAsync(api.Writer);

        using var withoutOffset = await api.Auditor.GetAsync($"/api/partnerships/{id}?asOf=2024-03-01T10:00:00", Cancel);
        using var both = await api.Auditor.GetAsync($"/api/partnerships/{id}?asOf=2024-03-01T10:00:00Z&validAt=2024-03-01", Cancel);
        using var badDate = await api.Auditor.GetAsync($"/api/partnerships/{id}?validAt=March", Cancel);

        Assert.NotNull((await AssertProblemAsync(withoutOffset, HttpStatusCode.BadRequest))["errors"]!["asOf"]);
        Assert.NotNull((await AssertProblemAsync(both, HttpStatusCode.BadRequest))["errors"]!["validAt"]);
        Assert.NotNull((await AssertProblemAsync(badDate, HttpStatusCode.BadRequest))["errors"]!["validAt"]);
    }

    [Fact]
    public async Task The_pipeline_counts_stages_and_kinds_and_lists_agreements_expiring_within_days()
    {
        var token = Token();
        var (id, _) = await OpenAsync(api.Writer, Opening($"Expiring soon {token}", $"Hilltop Institute {token}", "enterprise", Today(-30)));
        await AppendAsync(api.Writer, id, new JsonArray(Draft("short", Today(-20)), Sign("short", Today(-10), Today(-10), Today(20))));

        var within30 = await GetJsonAsync(api.Reader, "/api/pipeline?days=30");
        var within10 = await GetJsonAsync(api.Reader, "/api/pipeline?days=10");

        var expiring = Assert.Single(within30["expiring"]!.AsArray(), agreement => agreement!["partnershipId"]!.GetValue<string>() == id.ToString())!;
        Assert.Equal(Today(20), expiring["expiresOn"]!.GetValue<string>());
        Assert.Equal(20, expiring["daysLeft"]!.GetValue<int>());
        Assert.DoesNotContain(within10["expiring"]!.AsArray(), agreement => agreement!["partnershipId"]!.GetValue<string>() == id.ToString());
        Assert.Contains(within30["byStage"]!.AsArray(), count => count!["stage"]!.GetValue<string>() == "active" && count["count"]!.GetValue<int>() >= 1);
        Assert.Contains(within30["byStageAndPartnerKind"]!.AsArray(), count =>
            count!["stage"]!.GetValue<string>() == "active" && count["partnerKind"]!.GetValue<string>() == "enterprise");

        using var bad = await api.Reader.GetAsync("/api/pipeline?days=-1", Cancel);
        await AssertProblemAsync(bad, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_organization_directory_joins_a_partner_with_its_aliases_and_people()
    {
        var token = Token();
        var (id, _) = await OpenAsync(api.Writer, Opening($"Directory {token}", $"Northern Polytechnic {token}", "university", "2024-03-01", $"NP {token}"));
        var appended = await AppendAsync(api.Writer, id, Visit(lead: "Grace Wu", organization: $"NP {token}"));
        var sequence = appended["events"]![0]!["sequence"]!.GetValue<long>();

        var directory = await GetJsonAsync(api.Reader, $"/api/organizations?minSequence={sequence}");

        var organization = Assert.Single(directory["organizations"]!.AsArray(), entry => entry!["name"]!.GetValue<string>() == $"Northern Polytechnic {token}")!;
        Assert.Contains($"NP {token}", organization["aliases"]!.AsArray().Select(alias => alias!.GetValue<string>()));
        Assert.Contains(id.ToString(), organization["partnershipIds"]!.AsArray().Select(partnership => partnership!.GetValue<string>()));
        Assert.Equal("Grace Wu", Assert.Single(organization["people"]!.AsArray())!["name"]!.GetValue<string>());
        Assert.True(directory["organizations"]![0]!["isHome"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_organization_directory_shows_a_visit_as_a_later_correction_left_it()
    {
        var token = Token();
        var (id, _) = await OpenAsync(api.Writer, Opening($"Corrected directory {token}", $"Harbour Institute {token}", "university", "2024-03-01", $"HI {token}"));
        var visit = await AppendAsync(api.Writer, id, Visit(lead: "Grace Wu", organization: $"HI {token}"));
        var corrected = (JsonObject)Visit(lead: "Grace Wu", organization: $"HI {token}")["data"]!.DeepClone();
        corrected["delegationLead"]!["name"] = "Grace Woo";
        var correction = await AppendAsync(api.Writer, id, Entry("entry-corrected", "2024-06-01", new JsonObject
        {
            ["eventId"] = visit["events"]![0]!["eventId"]!.GetValue<string>(),
            ["reason"] = "The article misspelled her name",
            ["data"] = corrected,
        }));
        var sequence = correction["events"]![0]!["sequence"]!.GetValue<long>();

        var directory = await GetJsonAsync(api.Reader, $"/api/organizations?minSequence={sequence}");

        var organization = Assert.Single(directory["organizations"]!.AsArray(), entry => entry!["name"]!.GetValue<string>() == $"Harbour Institute {token}")!;
        Assert.Equal("Grace Woo", Assert.Single(organization["people"]!.AsArray())!["name"]!.GetValue<string>());
    }

    private async Task<Guid[]> ListedAsync(string query)
    {
        var list = await GetJsonAsync(api.Reader, $"/api/partnerships?{query}");
        var items = list["items"]!.AsArray();
        Assert.Equal(items.Count, list["total"]!.GetValue<int>());
        return [.. items.Select(item => Guid.Parse(item!["id"]!.GetValue<string>()))];
    }

    private static string Token() => Guid.NewGuid().ToString("N")[..10];
}
