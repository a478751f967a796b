using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>An Idempotency-Key answers a retry, by the client that sent it, of the very same request; nothing else.</summary>
public sealed class IdempotencyKeyTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private const int Writers = 8;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("data")]
    [InlineData("occurredAt")]
    [InlineData("source")]
    [InlineData("type")]
    [InlineData("another entry")]
    public async Task An_append_that_reuses_a_key_for_other_entries_is_422_and_writes_nothing(string changed)
    {
        var (id, _) = await OpenAsync(api.Writer);
        var key = Guid.NewGuid().ToString();
        using var first = await PostAsync(api.Writer, $"/api/partnerships/{id}/events", SourcedDraft(), key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var other = SourcedDraft();
        JsonNode reused = changed switch
        {
            "data" => Mutated(other, entry => entry["data"]!["title"] = "Another agreement"),
            "occurredAt" => Mutated(other, entry => entry["occurredAt"] = "2024-03-21"),
            "source" => Mutated(other, entry => entry["source"]!["title"] = "Other minutes"),
            "type" => Note("once", "2024-03-20"),
            _ => new JsonArray(other, Note("and one more")),
        };

        using var response = await PostAsync(api.Writer, $"/api/partnerships/{id}/events", reused, key);

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("idempotency-key-reused", problem["rule"]!.GetValue<string>());
        Assert.Contains(key, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, await CountEntriesAsync(id));
    }

    [Fact]
    public async Task An_append_under_a_key_another_client_used_on_the_partnership_is_422_and_writes_nothing()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var key = Guid.NewGuid().ToString();
        using var first = await PostAsync(api.Writer, $"/api/partnerships/{id}/events", SourcedDraft(), key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var response = await PostAsync(api.Admin, $"/api/partnerships/{id}/events", SourcedDraft(), key);

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("idempotency-key-of-another-client", problem["rule"]!.GetValue<string>());
        Assert.Equal(2, await CountEntriesAsync(id));
    }

    [Fact]
    public async Task A_retry_with_members_reordered_and_other_whitespace_answers_as_the_first_and_writes_nothing()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var drafted = await AppendAsync(api.Writer, id, Draft("mistitled"));
        var corrected = (JsonObject)Draft("mistitled")["data"]!.DeepClone();
        corrected["title"] = "Corrected title";
        var correction = Entry("entry-corrected", "2024-03-21", new JsonObject
        {
            ["eventId"] = drafted["events"]![0]!["eventId"]!.GetValue<string>(),
            ["reason"] = "The minutes named it differently",
            ["data"] = corrected,
        });
        var key = Guid.NewGuid().ToString();

        // A correction's data is free JSON, stored as sent: only its canonical form makes the reordered one the same.
        var entries = new JsonArray(SourcedDraft(), correction);
        using var first = await PostAsync(api.Writer, $"/api/partnerships/{id}/events", entries, key);
        var firstBody = await first.Content.ReadAsStringAsync(Cancel);

        using var retry = await SendTextAsync(api.Writer, $"/api/partnerships/{id}/events", Reordered(entries).ToJsonString(Indented), key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(ETagOf(first), ETagOf(retry));
        Assert.Equal(4, await CountEntriesAsync(id));
    }

    [Fact]
    public async Task Racing_appends_of_other_entries_under_one_key_write_one_and_refuse_the_rest()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var key = Guid.NewGuid().ToString();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var racing = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            using var client = api.Writer;
            await start.Task;
            using var response = await PostAsync(client, $"/api/partnerships/{id}/events", Note($"writer {writer}"), key);
            return response.StatusCode;
        }, Cancel)).ToList();
        start.SetResult();
        var answers = await Task.WhenAll(racing);

        Assert.Single(answers, answer => answer == HttpStatusCode.Created);
        Assert.Equal(Writers - 1, answers.Count(answer => answer == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(2, await CountEntriesAsync(id));
    }

    [Fact]
    public async Task An_opening_that_reuses_a_key_for_another_partnership_is_422_and_opens_nothing()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await PostAsync(api.Writer, "/api/partnerships", Opening($"First opening {key}"), key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var response = await PostAsync(api.Writer, "/api/partnerships", Opening($"Second opening {key}"), key);

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("idempotency-key-reused", problem["rule"]!.GetValue<string>());
        var listed = await GetJsonAsync(api.Reader, $"/api/partnerships?q={Uri.EscapeDataString(key)}");
        Assert.Equal(1, listed["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_opening_retried_with_members_reordered_answers_as_the_first()
    {
        var key = Guid.NewGuid().ToString();
        var opening = Opening($"Reordered opening {key}", occurredAt: null, aliases: ["Lakeside"]);
        using var first = await PostAsync(api.Writer, "/api/partnerships", opening, key);

        using var retry = await SendTextAsync(api.Writer, "/api/partnerships", Reordered(opening).ToJsonString(Indented), key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Cancel), await retry.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
    }

    [Fact]
    public async Task Two_clients_opening_under_the_same_key_each_open_their_own_partnership()
    {
        var key = Guid.NewGuid().ToString();

        using var byWriter = await PostAsync(api.Writer, "/api/partnerships", Opening($"Opening per client {key}"), key);
        using var byAdmin = await PostAsync(api.Admin, "/api/partnerships", Opening($"Opening per client {key}"), key);

        Assert.Equal(HttpStatusCode.Created, byWriter.StatusCode);
        Assert.Equal(HttpStatusCode.Created, byAdmin.StatusCode);
        Assert.NotEqual(byWriter.Headers.Location, byAdmin.Headers.Location);
    }

    private static JsonObject SourcedDraft()
    {
        var draft = Draft("once");
        draft["source"] = new JsonObject
        {
            ["kind"] = "minutes",
            ["title"] = "Minutes of the March meeting",
            ["url"] = "https://example.org/minutes/2024-03",
            ["publishedOn"] = "2024-03-20",
        };
        return draft;
    }

    private static JsonObject Mutated(JsonObject entry, Action<JsonObject> change)
    {
        change(entry);
        return entry;
    }

    /// <summary>The same JSON value with every object's members in the opposite order.</summary>
    private static JsonNode Reordered(JsonNode node) => node switch
    {
        JsonObject members => new JsonObject(members.Reverse().Select(member =>
            KeyValuePair.Create(member.Key, member.Value is null ? null : Reordered(member.Value)))),
        JsonArray items => new JsonArray([.. items.Select(item => item is null ? null : Reordered(item))]),
        _ => node.DeepClone(),
    };

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, JsonNode body, string key) =>
        client.SendAsync(Post(path, body, headers => headers.Add("Idempotency-Key", key)), Cancel);

    private static Task<HttpResponseMessage> SendTextAsync(HttpClient client, string path, string body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request, Cancel);
    }

    private async Task<int> CountEntriesAsync(Guid id) =>
        (await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline"))["items"]!.AsArray().Count;
}
