using System.Net;
using System.Text.Json.Nodes;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

public sealed class OpeningTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Opening_answers_201_with_location_etag_1_and_the_summary()
    {
        using var response = await api.Writer.SendAsync(Post("/api/partnerships", Opening("Shared courses with Hillcrest", "Hillcrest College", "university")), Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var summary = (await ReadJsonAsync(response))!;
        var id = Guid.Parse(summary["id"]!.GetValue<string>());
        Assert.Equal(7, id.Version);
        Assert.Equal($"/api/partnerships/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", ETagOf(response));
        Assert.Equal("Shared courses with Hillcrest", summary["title"]!.GetValue<string>());
        Assert.Equal("exploring", summary["stage"]!.GetValue<string>());
        Assert.Equal(1, summary["version"]!.GetValue<long>());
        Assert.Equal("Hillcrest College", summary["partners"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("university", summary["partners"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal("2024-03-01", summary["lastActivityOn"]!.GetValue<string>());
    }

    [Fact]
    public async Task Opening_without_occurredAt_dates_it_today()
    {
        using var response = await api.Writer.SendAsync(Post("/api/partnerships", Opening(occurredAt: null)), Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var summary = (await ReadJsonAsync(response))!;
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(today, summary["lastActivityOn"]!.GetValue<string>());
        Assert.Equal(today, summary["asOf"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_key_name_is_recorded_as_recordedBy()
    {
        var (id, _) = await OpenAsync(api.Writer);

        var timeline = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline");

        Assert.Equal(TestKeys.Writer.Name, timeline["items"]![0]!["recordedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_opening_with_missing_and_ill_typed_fields_is_400_with_every_field_named()
    {
        var body = new JsonObject
        {
            ["partners"] = new JsonArray(new JsonObject { ["name"] = "Somewhere", ["kind"] = "planet" }),
            ["themes"] = "not a list",
            ["occurredAt"] = "last Tuesday",
        };

        using var response = await api.Writer.SendAsync(Post("/api/partnerships", body), Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.Contains("title", errors.Select(error => error.Key));
        Assert.Contains("partners[0].kind", errors.Select(error => error.Key));
        Assert.Contains("themes", errors.Select(error => error.Key));
        Assert.Contains("occurredAt", errors.Select(error => error.Key));
    }

    [Fact]
    public async Task An_opening_dated_in_the_future_is_422_naming_the_rule()
    {
        using var response = await api.Writer.SendAsync(Post("/api/partnerships", Opening(occurredAt: "2999-01-01")), Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("occurred-in-future", problem["rule"]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_json_is_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/partnerships")
        {
            Content = new StringContent("{\"title\": \"unterminated", System.Text.Encoding.UTF8, "application/json"),
        };

        using var response = await api.Writer.SendAsync(request, Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("JSON", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retried_opening_with_the_same_idempotency_key_opens_one_partnership()
    {
        var key = Guid.NewGuid().ToString();
        var title = $"Idempotent opening {key}";

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using var response = await api.Writer.SendAsync(Post("/api/partnerships", Opening(title), headers => headers.Add("Idempotency-Key", key)), Cancel);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Cancel), ETag: ETagOf(response), response.Headers.Location);
        }));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        Assert.Single(responses.Select(response => response.Location).Distinct());
        Assert.Single(responses.Select(response => response.Body).Distinct());
        Assert.All(responses, response => Assert.Equal("\"1\"", response.ETag));
        var listed = await GetJsonAsync(api.Reader, $"/api/partnerships?q={Uri.EscapeDataString(key)}");
        Assert.Equal(1, listed["total"]!.GetValue<int>());
    }
}
