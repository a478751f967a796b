using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

public sealed class TimelineTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_timeline_lists_every_entry_in_version_order_with_its_chain_link_and_corrections_both_ways()
    {
        var (id, corrected, correction) = await PartnershipWithACorrectionAsync();

        var items = (await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline"))["items"]!.AsArray();

        Assert.Equal([1L, 2L, 3L], items.Select(item => item!["version"]!.GetValue<long>()));
        Assert.Equal(["partnership-opened", "visit-held", "entry-corrected"], items.Select(item => item!["type"]!.GetValue<string>()));
        var opening = items[0]!.AsObject();
        foreach (var field in new[] { "sequence", "version", "eventId", "type", "occurredAt", "recordedAt", "recordedBy", "summary", "data", "hash", "prevHash" })
        {
            Assert.True(opening.ContainsKey(field), $"The timeline item has no {field}: {opening}");
        }

        Assert.Equal("", opening["prevHash"]!.GetValue<string>());
        Assert.Equal(items[0]!["hash"]!.GetValue<string>(), items[1]!["prevHash"]!.GetValue<string>());
        Assert.Equal(items[1]!["hash"]!.GetValue<string>(), items[2]!["prevHash"]!.GetValue<string>());
        Assert.Equal("2024-03-10", items[1]!["occurredAt"]!.GetValue<string>());
        Assert.Equal("Grace Wu", items[1]!["data"]!["delegationLead"]!["name"]!.GetValue<string>());
        Assert.Contains("Ada Chen", items[1]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([correction], items[1]!["correctedBy"]!.AsArray().Select(link => link!.GetValue<string>()));
        Assert.Equal(corrected, items[2]!["corrects"]!.GetValue<string>());
        Assert.Null(items[0]!["corrects"]);
        Assert.Null(items[0]!["correctedBy"]);
        Assert.Equal("news-article", items[1]!["source"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Csv_has_a_header_row_and_one_row_per_entry_quoted_where_needed_and_formulas_defused()
    {
        var (id, _) = await OpenAsync(api.Writer);
        using var created = await api.Admin.SendAsync(Post("/api/keys", new JsonObject { ["name"] = "=SUM(A1:A2)", ["roles"] = new JsonArray("writer") }), Cancel);
        using var formulaWriter = api.Client(new TestKey((await ReadJsonAsync(created))!["key"]!.GetValue<string>(), "=SUM(A1:A2)", "writer"));
        await AppendAsync(formulaWriter, id, Note("\"Quoted\", with a comma"));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/partnerships/{id}/timeline");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await api.Auditor.SendAsync(request, Cancel);
        var csv = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, rows.Length);
        Assert.Equal("sequence,version,eventId,partnershipId,type,occurredAt,recordedAt,recordedBy,summary,data,source,hash,prevHash,corrects,correctedBy", rows[0]);
        Assert.Contains(",note-added,2024-03-05,", rows[2], StringComparison.Ordinal);
        Assert.Contains(",'=SUM(A1:A2),", rows[2], StringComparison.Ordinal);
        Assert.Contains(",\"Note: \"\"Quoted\"\", with a comma\",", rows[2], StringComparison.Ordinal);
        Assert.Contains(",\"{\"\"text\"\": \"\"\\\"\"Quoted", rows[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+31 20 123", "'+31 20 123")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tindented", "'\tindented")]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=\"x\",1", "\"'=\"\"x\"\",1\"")]
    public void Csv_fields_follow_rfc_4180_and_cannot_start_a_formula(string value, string field) =>
        Assert.Equal(field, CooperationLedger.Api.Timelines.TimelineCsv.Field(value));

    [Fact]
    public async Task Cloudevents_batch_has_one_event_per_entry_with_the_required_attributes_and_extensions()
    {
        var (id, _) = await OpenAsync(api.Writer);
        await AppendAsync(api.Writer, id, Note("a moment", "2024-03-05T09:30:00+08:00"));
        var items = (await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline"))["items"]!.AsArray();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/partnerships/{id}/timeline");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/cloudevents-batch+json"));
        using var response = await api.Auditor.SendAsync(request, Cancel);

        Assert.Equal("application/cloudevents-batch+json", response.Content.Headers.ContentType?.MediaType);
        var batch = (await ReadJsonAsync(response))!.AsArray();
        Assert.Equal(2, batch.Count);
        var opened = batch[0]!.AsObject();
        Assert.Equal("1.0", opened["specversion"]!.GetValue<string>());
        Assert.Equal(items[0]!["eventId"]!.GetValue<string>(), opened["id"]!.GetValue<string>());
        Assert.Equal($"/partnerships/{id}", opened["source"]!.GetValue<string>());
        Assert.Equal("org.cooperation-ledger.partnership-opened", opened["type"]!.GetValue<string>());
        Assert.Equal(id.ToString(), opened["subject"]!.GetValue<string>());
        Assert.Equal("2024-03-01T00:00:00Z", opened["time"]!.GetValue<string>());
        Assert.Equal("2024-03-01", opened["occurreddate"]!.GetValue<string>());
        Assert.Equal(items[0]!["sequence"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture), opened["sequence"]!.GetValue<string>());
        Assert.Equal(items[0]!["hash"]!.GetValue<string>(), opened["hash"]!.GetValue<string>());
        Assert.Equal("application/json", opened["datacontenttype"]!.GetValue<string>());
        Assert.NotNull(opened["data"]!["title"]);
        Assert.Equal(
            DateTimeOffset.Parse(items[0]!["recordedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(opened["recordedat"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        Assert.All(opened.Select(attribute => attribute.Key), name => Assert.Matches("^[a-z0-9]+$", name));
        Assert.Equal("2024-03-05T09:30:00+08:00", batch[1]!["time"]!.GetValue<string>());
        Assert.Null(batch[1]!["occurreddate"]);
    }

    [Fact]
    public async Task An_unknown_partnership_has_no_timeline()
    {
        using var response = await api.Auditor.GetAsync($"/api/partnerships/{Guid.CreateVersion7()}/timeline", Cancel);

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_feed_pages_through_every_entry_by_sequence_with_filters()
    {
        var writerName = TestKeys.Writer.Name;
        var (first, _) = await OpenAsync(api.Writer);
        var (second, _) = await OpenAsync(api.Writer);
        await AppendAsync(api.Writer, first, Visit("2024-04-02"));
        await AppendAsync(api.Writer, second, Note("in between", "2024-04-03"));
        await AppendAsync(api.Writer, first, Note("last", "2024-04-04"));

        var all = new List<JsonNode>();
        long? after = 0;
        while (after is not null)
        {
            var page = await GetJsonAsync(api.Auditor, $"/api/timeline?after={after}&limit=2");
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= 2);
            all.AddRange(items.Select(item => item!));
            after = items.Count == 0 ? null : page["next"]!.GetValue<long>();
        }

        var sequences = all.Select(item => item["sequence"]!.GetValue<long>()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.Contains(all, item => item["partnershipId"]!.GetValue<string>() == second.ToString() && item["type"]!.GetValue<string>() == "note-added");

        var notesInApril = (await GetJsonAsync(api.Auditor, $"/api/timeline?type=note-added&from=2024-04-03&to=2024-04-04&recordedBy={Uri.EscapeDataString(writerName)}"))["items"]!.AsArray();
        Assert.True(notesInApril.Count >= 2);
        Assert.All(notesInApril, item =>
        {
            Assert.Equal("note-added", item!["type"]!.GetValue<string>());
            Assert.InRange(item["occurredAt"]!.GetValue<string>(), "2024-04-03", "2024-04-04");
            Assert.Equal(writerName, item["recordedBy"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task The_feed_refuses_unknown_types_and_bad_parameters()
    {
        using var response = await api.Auditor.GetAsync("/api/timeline?type=party-thrown&from=April&after=-3&limit=5000", Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["after", "from", "limit", "type"], problem["errors"]!.AsObject().Select(error => error.Key).Order());
    }

    private async Task<(Guid Partnership, string Corrected, string Correction)> PartnershipWithACorrectionAsync()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var source = new JsonObject { ["kind"] = "news-article", ["title"] = "Visit report", ["publishedOn"] = "2024-03-15" };
        var visit = await AppendAsync(api.Writer, id, Entry("visit-held", "2024-03-10", Visit(lead: "Grace Wu")["data"]!.DeepClone().AsObject(), source));
        var visitId = visit["events"]![0]!["eventId"]!.GetValue<string>();
        var correctedData = Visit(lead: "Ada Chen")["data"]!.DeepClone().AsObject();
        var correction = await AppendAsync(api.Writer, id, Entry("entry-corrected", "2024-03-16", new JsonObject
        {
            ["eventId"] = visitId,
            ["reason"] = "The article named the wrong lead",
            ["data"] = correctedData,
        }));
        return (id, visitId, correction["events"]![0]!["eventId"]!.GetValue<string>());
    }
}
