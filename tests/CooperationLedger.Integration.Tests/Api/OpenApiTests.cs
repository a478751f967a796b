using System.Net;
using System.Text.Json.Nodes;
using CooperationLedger.Api.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CooperationLedger.Integration.Tests.Api;

public sealed class OpenApiTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_document_describes_every_endpoint_the_service_maps()
    {
        var document = await DocumentAsync();
        var documented = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => $"{operation.Key.ToUpperInvariant()} {Normalize(path.Key)}"))
            .Order()
            .ToList();
        var mapped = api.Services.GetServices<EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText is { } route && (route.StartsWith("/api", StringComparison.Ordinal) || route.StartsWith("/health", StringComparison.Ordinal)))
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(method => $"{method} {Normalize(endpoint.RoutePattern.RawText!)}"))
            .Order()
            .ToList();

        Assert.Equal(mapped, documented);
    }

    [Fact]
    public async Task Every_keyed_operation_names_its_role_requires_the_key_and_documents_its_errors_as_problems()
    {
        var document = await DocumentAsync();
        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal("apiKey", scheme["type"]!.GetValue<string>());
        Assert.Equal("header", scheme["in"]!.GetValue<string>());
        Assert.Equal("X-Api-Key", scheme["name"]!.GetValue<string>());

        foreach (var (path, operations) in document["paths"]!.AsObject().Where(path => path.Key.StartsWith("/api", StringComparison.Ordinal)))
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                var where = $"{method} {path}";
                Assert.Contains("**Roles:**", operation!["description"]!.GetValue<string>(), StringComparison.Ordinal);
                Assert.NotNull(operation["security"]![0]!["ApiKey"]);
                var responses = operation["responses"]!.AsObject();
                foreach (var status in new[] { "401", "403", "429" })
                {
                    Assert.True(responses.ContainsKey(status), $"{where} does not document {status}.");
                    Assert.NotNull(responses[status]!["content"]!["application/problem+json"]);
                }
            }
        }
    }

    [Fact]
    public async Task The_write_operations_document_each_error_of_the_contract_with_examples_from_the_sample_data()
    {
        var document = await DocumentAsync();
        var append = document["paths"]!["/api/partnerships/{id}/events"]!["post"]!;
        var open = document["paths"]!["/api/partnerships"]!["post"]!;

        Assert.Equal(
            ["201", "400", "401", "403", "404", "409", "412", "413", "415", "422", "429"],
            append["responses"]!.AsObject().Select(response => response.Key).Order());
        Assert.Equal("visit-held", append["requestBody"]!["content"]!["application/json"]!["example"]!["type"]!.GetValue<string>());
        Assert.Equal("agreement-not-drafted", append["responses"]!["422"]!["content"]!["application/problem+json"]!["example"]!["rule"]!.GetValue<string>());
        Assert.NotNull(append["responses"]!["400"]!["content"]!["application/problem+json"]!["example"]!["errors"]);
        Assert.StartsWith("Cultivating sci-tech innovative talents", open["requestBody"]!["content"]!["application/json"]!["example"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("exploring", open["responses"]!["201"]!["content"]!["application/json"]!["example"]!["stage"]!.GetValue<string>());
        var summary = document["paths"]!["/api/partnerships/{id}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["example"]!;
        Assert.Equal("consensus", summary["stage"]!.GetValue<string>());
        var pipeline = document["paths"]!["/api/pipeline"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["example"]!;
        Assert.NotEmpty(pipeline["byStage"]!.AsArray());
    }

    [Fact]
    public async Task Every_json_success_answer_has_an_example_and_the_auditors_examples_agree_with_the_sample_data()
    {
        var document = await DocumentAsync();
        var missing =
            from path in document["paths"]!.AsObject()
            from operation in path.Value!.AsObject()
            from response in operation.Value!["responses"]!.AsObject()
            where response.Key.StartsWith('2')
            from content in response.Value!["content"]?.AsObject() ?? []
            where content.Key == "application/json" || content.Key.EndsWith("+json", StringComparison.Ordinal)
            where content.Value!["example"] is null
            select $"{operation.Value!["operationId"]} {response.Key} {content.Key}";
        Assert.Empty(missing);

        var sample = JsonNode.Parse(await File.ReadAllTextAsync(SampleData.FilePath, Cancel))!["partnerships"]!.AsArray();
        var sampleEntries = sample.Sum(partnership => 1 + partnership!["events"]!.AsArray().Count);
        var timeline = ExampleOf(document, "/api/partnerships/{id}/timeline", "get", "200")["items"]!.AsArray();
        var opening = timeline[0]!;
        Assert.Equal("partnership-opened", opening["type"]!.GetValue<string>());
        Assert.Equal(sample[0]!["open"]!["title"]!.GetValue<string>(), opening["data"]!["title"]!.GetValue<string>());
        Assert.Equal(1 + sample[0]!["events"]!.AsArray().Count, timeline.Count);
        Assert.Equal(
            sample[0]!["events"]!.AsArray().Select(entry => entry!["type"]!.GetValue<string>()),
            timeline.Skip(1).Select(item => item!["type"]!.GetValue<string>()));
        AssertChainsLink(timeline);

        var feed = ExampleOf(document, "/api/timeline", "get", "200");
        var feedItems = feed["items"]!.AsArray();
        Assert.Equal(feedItems[^1]!["sequence"]!.GetValue<long>(), feed["next"]!.GetValue<long>());
        Assert.True(feedItems.Select(item => item!["partnershipId"]!.GetValue<string>()).Distinct().Count() > 1, "The feed example shows one partnership only.");
        AssertChainsLink(feedItems);

        var appended = ExampleOf(document, "/api/partnerships/{id}/events", "post", "201")["events"]![0]!;
        Assert.Equal(timeline[1]!["hash"]!.GetValue<string>(), appended["hash"]!.GetValue<string>());
        var moved = ExampleOf(document, "/api/partnerships/{id}/events", "post", "412", "application/problem+json");
        Assert.True(moved["expectedVersion"]!.GetValue<long>() < moved["actualVersion"]!.GetValue<long>());
        Assert.Equal(timeline.Count, ExampleOf(document, "/api/partnerships/{id}/verify", "get", "200")["eventsChecked"]!.GetValue<long>());
        var ledger = ExampleOf(document, "/api/verify", "get", "200");
        Assert.True(ledger["valid"]!.GetValue<bool>());
        Assert.Equal(sampleEntries, ledger["eventsChecked"]!.GetValue<long>());
        Assert.StartsWith("cl_example", ExampleOf(document, "/api/keys", "post", "201")["key"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schemas_give_the_wire_shapes_of_dates_enums_entry_data_and_headers()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!;
        var append = document["paths"]!["/api/partnerships/{id}/events"]!["post"]!;

        Assert.Equal("string", schemas["OccurredAt"]!["type"]!.GetValue<string>());
        Assert.Contains("negotiating", schemas["PartnershipStage"]!["enum"]!.AsArray().Select(name => name!.GetValue<string>()));
        Assert.Contains("#/components/schemas/VisitHeld", schemas["EntryRequest"]!["properties"]!["data"]!["oneOf"]!.AsArray().Select(option => option!["$ref"]!.GetValue<string>()));
        Assert.Equal(["delegationLead", "direction", "participants", "topics"], schemas["VisitHeld"]!["required"]!.AsArray().Select(name => name!.GetValue<string>()).Order());
        Assert.Equal(["Idempotency-Key", "If-Match", "id"], append["parameters"]!.AsArray().Select(parameter => parameter!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.NotNull(append["responses"]!["201"]!["headers"]!["ETag"]);
        Assert.NotNull(append["responses"]!["429"]!["headers"]!["Retry-After"]);
        var timeline = document["paths"]!["/api/partnerships/{id}/timeline"]!["get"]!["responses"]!["200"]!["content"]!.AsObject();
        Assert.Equal(["application/cloudevents-batch+json", "application/json", "text/csv"], timeline.Select(content => content.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Swagger_ui_is_served_at_docs()
    {
        using var response = await api.Client(null).GetAsync("/docs/index.html", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger", await response.Content.ReadAsStringAsync(Cancel), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/docs")]
    [InlineData("/docs/swagger-ui-bundle.js")]
    [InlineData("/docs/index.js")]
    public async Task The_ui_page_and_its_files_are_served_under_docs(string path)
    {
        using var response = await api.Client(null).GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger", await response.Content.ReadAsStringAsync(Cancel), StringComparison.OrdinalIgnoreCase);
    }

    private async Task<JsonNode> DocumentAsync()
    {
        using var response = await api.Client(null).GetAsync("/openapi/v1.json", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
    }

    private static JsonNode ExampleOf(JsonNode document, string path, string method, string status, string mediaType = "application/json") =>
        document["paths"]![path]![method]!["responses"]![status]!["content"]![mediaType]!["example"]!;

    /// <summary>Each partnership's first entry links to nothing and every later one to the hash of the one before it.</summary>
    private static void AssertChainsLink(JsonArray items)
    {
        foreach (var partnership in items.GroupBy(item => item!["partnershipId"]!.GetValue<string>()))
        {
            var expectedPrevHash = "";
            foreach (var item in partnership)
            {
                var hash = item!["hash"]!.GetValue<string>();
                Assert.Matches("^[0-9a-f]{64}$", hash);
                Assert.Equal(expectedPrevHash, item["prevHash"]!.GetValue<string>());
                expectedPrevHash = hash;
            }
        }
    }

    private static string Normalize(string path) =>
        string.Join('/', path.TrimEnd('/').Split('/').Select(segment => segment.StartsWith('{') ? "{}" : segment));
}
