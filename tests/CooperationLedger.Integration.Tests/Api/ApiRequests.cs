using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>Requests and bodies the API tests share, written as a client would write them.</summary>
public static class ApiRequests
{
    public static JsonObject Opening(string title = "Joint laboratory with Lakeside University", string partner = "Lakeside University", string kind = "university", string? occurredAt = "2024-03-01", params string[] aliases)
    {
        var body = new JsonObject
        {
            ["title"] = title,
            ["partners"] = new JsonArray(new JsonObject
            {
                ["name"] = partner,
                ["kind"] = kind,
                ["aliases"] = new JsonArray([.. aliases.Select(alias => (JsonNode)JsonValue.Create(alias)!)]),
            }),
        };
        if (occurredAt is not null)
        {
            body["occurredAt"] = occurredAt;
        }

        return body;
    }

    public static JsonObject Entry(string type, string occurredAt, JsonObject data, JsonObject? source = null)
    {
        var entry = new JsonObject { ["type"] = type, ["occurredAt"] = occurredAt, ["data"] = data };
        if (source is not null)
        {
            entry["source"] = source;
        }

        return entry;
    }

    public static JsonObject Note(string text, string occurredAt = "2024-03-05") =>
        Entry("note-added", occurredAt, new JsonObject { ["text"] = text });

    public static JsonObject Visit(string occurredAt = "2024-03-10", string lead = "Ada Chen", string organization = "Lakeside University") =>
        Entry("visit-held", occurredAt, new JsonObject
        {
            ["direction"] = "inbound",
            ["delegationLead"] = new JsonObject { ["name"] = lead, ["title"] = "Dean", ["organization"] = organization },
            ["participants"] = new JsonArray(),
            ["topics"] = new JsonArray("joint research"),
        });

    public static JsonObject Consensus(string occurredAt = "2024-03-12") =>
        Entry("consensus-reached", occurredAt, new JsonObject
        {
            ["level"] = "preliminary",
            ["summary"] = "Further cooperation in training",
            ["areas"] = new JsonArray("custom-training"),
        });

    public static JsonObject Draft(string agreementId, string occurredAt = "2024-03-20") =>
        Entry("agreement-drafted", occurredAt, new JsonObject
        {
            ["agreementId"] = agreementId,
            ["title"] = "Framework agreement",
            ["kind"] = "framework",
            ["areas"] = new JsonArray("joint-research"),
        });

    public static JsonObject Sign(string agreementId, string signedOn, string effectiveFrom, string? expiresOn) =>
        Entry("agreement-signed", signedOn, new JsonObject
        {
            ["agreementId"] = agreementId,
            ["signedOn"] = signedOn,
            ["effectiveFrom"] = effectiveFrom,
            ["expiresOn"] = expiresOn,
            ["signatories"] = new JsonArray(new JsonObject { ["name"] = "Ada Chen", ["title"] = "Dean", ["organization"] = "Lakeside University" }),
        });

    public static HttpRequestMessage Post(string path, JsonNode body, Action<HttpRequestHeaders>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        headers?.Invoke(request.Headers);
        return request;
    }

    /// <summary>
    /// A POST whose body is exactly <paramref name="json"/>, its length declared in Content-Length or, with
    /// <paramref name="declareLength"/> false, sent chunked without one.
    /// </summary>
    public static HttpRequestMessage PostText(string path, string json, bool declareLength = true) =>
        new(HttpMethod.Post, path)
        {
            Content = declareLength
                ? new StringContent(json, Encoding.UTF8, "application/json")
                : new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json))) { Headers = { ContentType = new("application/json") } },
            Headers = { TransferEncodingChunked = !declareLength },
        };

    public static async Task<(Guid Id, JsonObject Summary)> OpenAsync(HttpClient writer, JsonObject? opening = null)
    {
        using var response = await writer.SendAsync(Post("/api/partnerships", opening ?? Opening()), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var summary = (JsonObject)(await ReadJsonAsync(response))!;
        return (Guid.Parse(summary["id"]!.GetValue<string>()), summary);
    }

    public static async Task<JsonObject> AppendAsync(HttpClient writer, Guid partnershipId, JsonNode entries)
    {
        using var response = await writer.SendAsync(Post($"/api/partnerships/{partnershipId}/events", entries), TestContext.Current.CancellationToken);
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {body}");
        return (JsonObject)body!;
    }

    public static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

    public static async Task<JsonNode> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: expected 200, got {(int)response.StatusCode}: {body}");
        return body!;
    }

    /// <summary>Asserts an RFC 9457 answer with this status and a detail, and returns it.</summary>
    public static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (JsonObject)JsonNode.Parse(text)!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()), $"The problem has no detail: {text}");
        return problem;
    }

    public static string ETagOf(HttpResponseMessage response) => response.Headers.ETag?.Tag ?? "";
}
