using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

public sealed class AppendingTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_entry_answers_201_with_its_position_and_the_new_version_as_etag()
    {
        var (id, _) = await OpenAsync(api.Writer);

        using var response = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Visit()), Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"2\"", ETagOf(response));
        var written = Assert.Single((await ReadJsonAsync(response))!["events"]!.AsArray())!;
        Assert.Equal(2, written["version"]!.GetValue<long>());
        Assert.True(written["sequence"]!.GetValue<long>() > 0);
        Assert.True(Guid.TryParse(written["eventId"]!.GetValue<string>(), out _));
        Assert.Matches("^[0-9a-f]{64}$", written["hash"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_batch_is_appended_atomically_in_order()
    {
        var (id, _) = await OpenAsync(api.Writer);

        var appended = await AppendAsync(api.Writer, id, new JsonArray(Visit(), Consensus(), Note("agreed to meet again")));

        Assert.Equal([2L, 3L, 4L], appended["events"]!.AsArray().Select(written => written!["version"]!.GetValue<long>()));
        var summary = await GetJsonAsync(api.Reader, $"/api/partnerships/{id}");
        Assert.Equal("consensus", summary["stage"]!.GetValue<string>());
        Assert.Equal(4, summary["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_batch_with_one_refused_entry_writes_nothing_and_names_the_entry_and_rule()
    {
        var (id, _) = await OpenAsync(api.Writer);

        using var response = await api.Writer.SendAsync(
            Post($"/api/partnerships/{id}/events", new JsonArray(Visit(), Sign("never-drafted", "2024-03-15", "2024-04-01", "2025-04-01"))), Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("agreement-not-drafted", problem["rule"]!.GetValue<string>());
        Assert.Equal(1, problem["index"]!.GetValue<int>());
        Assert.Contains("never-drafted", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var summary = await GetJsonAsync(api.Reader, $"/api/partnerships/{id}");
        Assert.Equal(1, summary["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_rule_that_says_no_is_422_with_the_rule_id()
    {
        var (id, _) = await OpenAsync(api.Writer);
        await AppendAsync(api.Writer, id, Draft("framework-1"));

        using var response = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Draft("framework-1", "2024-03-21")), Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("agreement-id-taken", problem["rule"]!.GetValue<string>());
        Assert.Null(problem["index"]);
    }

    [Fact]
    public async Task An_unknown_partnership_is_404()
    {
        using var response = await api.Writer.SendAsync(Post($"/api/partnerships/{Guid.CreateVersion7()}/events", Note("hello")), Cancel);

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Malformed_json_is_400()
    {
        var (id, _) = await OpenAsync(api.Writer);
        using var request = PostText(id, "[{\"type\": \"note-added\",");

        using var response = await api.Writer.SendAsync(request, Cancel);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(" {}")]
    [InlineData(" []")]
    [InlineData(" x")]
    public async Task Anything_after_the_json_value_but_whitespace_is_400_and_writes_nothing(string trailing)
    {
        var (id, _) = await OpenAsync(api.Writer);
        using var request = PostText(id, Note("first").ToJsonString() + trailing);

        using var response = await api.Writer.SendAsync(request, Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("The body is not well-formed JSON", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, (await GetJsonAsync(api.Reader, $"/api/partnerships/{id}"))["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_body_larger_than_one_read_and_ending_in_whitespace_is_read_whole()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var text = string.Concat(Enumerable.Repeat("A long note, written in many pieces. ", 700));
        using var request = PostText(id, Note(text).ToJsonString() + " \n\t ");

        using var response = await api.Writer.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var timeline = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline");
        Assert.Equal(text, timeline["items"]![1]!["data"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_type_is_400_naming_the_known_ones()
    {
        var (id, _) = await OpenAsync(api.Writer);

        using var response = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Entry("party-thrown", "2024-03-05", new JsonObject())), Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var message = Assert.Single(problem["errors"]!["type"]!.AsArray())!.GetValue<string>();
        Assert.Contains("party-thrown", message, StringComparison.Ordinal);
        Assert.Contains("visit-held", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_and_ill_typed_fields_are_400_keyed_by_their_path()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var visit = Entry("visit-held", "2024-03-05", new JsonObject
        {
            ["direction"] = "sideways",
            ["participants"] = 3,
            ["topics"] = new JsonArray(),
        });

        using var response = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", new JsonArray(Note("fine"), visit)), Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var keys = problem["errors"]!.AsObject().Select(error => error.Key).ToList();
        Assert.Contains("[1].data.direction", keys);
        Assert.Contains("[1].data.delegationLead", keys);
        Assert.Contains("[1].data.participants", keys);
    }

    [Theory]
    [InlineData("2024-02-30")]
    [InlineData("2024-03-05T10:00:00")]
    [InlineData("yesterday")]
    public async Task An_unparseable_date_is_400_on_occurredAt(string occurredAt)
    {
        var (id, _) = await OpenAsync(api.Writer);

        using var response = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Note("dated oddly", occurredAt)), Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["occurredAt"]);
    }

    [Fact]
    public async Task An_unparseable_date_inside_the_data_is_400_on_that_field()
    {
        var (id, _) = await OpenAsync(api.Writer);
        await AppendAsync(api.Writer, id, Draft("mou-1"));

        using var response = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Sign("mou-1", "2024-03-25", "01/04/2024", null)), Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["data.effectiveFrom"]);
    }

    [Fact]
    public async Task If_match_at_the_current_version_appends()
    {
        var (id, _) = await OpenAsync(api.Writer);

        using var response = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Note("checked"), headers => headers.IfMatch.ParseAdd("\"1\"")), Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"2\"", ETagOf(response));
    }

    [Fact]
    public async Task If_match_behind_the_partnership_is_412_and_writes_nothing()
    {
        var (id, _) = await OpenAsync(api.Writer);
        await AppendAsync(api.Writer, id, Note("first"));

        using var response = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Note("stale"), headers => headers.IfMatch.ParseAdd("\"1\"")), Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(1, problem["expectedVersion"]!.GetValue<long>());
        Assert.Equal(2, problem["actualVersion"]!.GetValue<long>());
        var timeline = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline");
        Assert.Equal(2, timeline["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_malformed_if_match_is_400()
    {
        var (id, _) = await OpenAsync(api.Writer);

        using var request = Post($"/api/partnerships/{id}/events", Note("x"));
        request.Headers.TryAddWithoutValidation("If-Match", "version two");
        using var response = await api.Writer.SendAsync(request, Cancel);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_answer_and_writes_nothing()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var key = Guid.NewGuid().ToString();
        using var first = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Draft("once"), headers => headers.Add("Idempotency-Key", key)), Cancel);
        var firstBody = await first.Content.ReadAsStringAsync(Cancel);

        using var retry = await api.Writer.SendAsync(Post($"/api/partnerships/{id}/events", Draft("once"), headers => headers.Add("Idempotency-Key", key)), Cancel);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(ETagOf(first), ETagOf(retry));
        var timeline = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline");
        Assert.Equal(2, timeline["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Read_your_writes_the_summary_and_timeline_show_an_append_at_once()
    {
        var (id, _) = await OpenAsync(api.Writer);

        for (var round = 0; round < 5; round++)
        {
            var appended = await AppendAsync(api.Writer, id, Note($"round {round}"));
            var version = appended["events"]![0]!["version"]!.GetValue<long>();
            using var summary = await api.Reader.GetAsync($"/api/partnerships/{id}", Cancel);
            Assert.Equal($"\"{version}\"", ETagOf(summary));
            var timeline = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline");
            Assert.Equal(version, timeline["items"]!.AsArray()[^1]!["version"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        var (id, _) = await OpenAsync(api.Writer);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/partnerships/{id}/events")
        {
            Content = new StringContent("type=note-added", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };

        using var response = await api.Writer.SendAsync(request, Cancel);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    /// <summary>A POST of entries whose body is exactly <paramref name="body"/>, so that it can be malformed.</summary>
    private static HttpRequestMessage PostText(Guid id, string body) =>
        new(HttpMethod.Post, $"/api/partnerships/{id}/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
