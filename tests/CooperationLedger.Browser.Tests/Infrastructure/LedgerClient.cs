using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CooperationLedger.Browser.Tests.Infrastructure;

/// <summary>
/// Talks to the service under test over HTTP with one role's key: to read what the dashboard should show, and to
/// record the entries a test needs (the way any API client would).
/// </summary>
public sealed class LedgerClient(Uri baseAddress, TestKey key) : IDisposable
{
    private readonly HttpClient http = CreateClient(baseAddress, key);

    public TestKey Key => key;

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return await ReadJsonAsync(response, HttpStatusCode.OK, $"GET {path}");
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <returns>The new partnership's id.</returns>
    public async Task<string> OpenPartnershipAsync(string body)
    {
        var summary = await PostAsync("/api/partnerships", body);
        return summary["id"]!.GetValue<string>();
    }

    public async Task<JsonNode> AppendAsync(string partnershipId, string entries) =>
        await PostAsync($"/api/partnerships/{partnershipId}/events", entries);

    /// <summary>The partnership's timeline entries, in version order.</summary>
    public async Task<JsonArray> TimelineAsync(string partnershipId) =>
        (await GetJsonAsync($"/api/partnerships/{partnershipId}/timeline"))["items"]!.AsArray();

    public async Task<JsonArray> PartnershipsAsync(string query = "") =>
        (await GetJsonAsync($"/api/partnerships{query}"))["items"]!.AsArray();

    public async Task<JsonNode> PartnershipTitledAsync(string title) =>
        Assert.Single(await PartnershipsAsync(), partnership => partnership!["title"]!.GetValue<string>() == title)!;

    /// <summary>
    /// Waits until every projection has applied every event, so that what the asynchronous ones (the organization
    /// directory) show includes what a test just recorded.
    /// </summary>
    public async Task WaitUntilProjectionsCaughtUpAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var statuses = await GetJsonAsync("/api/projections");
        while (ItemsOf(statuses).Any(status => status!["lagEvents"]!.GetValue<long>() > 0))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The projections did not catch up: {statuses.ToJsonString()}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
            statuses = await GetJsonAsync("/api/projections");
        }
    }

    private static JsonArray ItemsOf(JsonNode answer) => answer as JsonArray ?? answer["items"]!.AsArray();

    public async Task DeleteAsync(string path)
    {
        using var response = await http.DeleteAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"DELETE {path} answered {(int)response.StatusCode}.");
    }

    public async Task<JsonNode> PostAsync(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content, TestContext.Current.CancellationToken);
        return await ReadJsonAsync(response, HttpStatusCode.Created, $"POST {path}");
    }

    private static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"{what} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static HttpClient CreateClient(Uri baseAddress, TestKey key)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key.Key);
        return client;
    }

    public void Dispose() => http.Dispose();
}
