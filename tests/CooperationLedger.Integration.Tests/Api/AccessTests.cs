using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>Every endpoint with every caller: no key, an unknown key, and a key of each role.</summary>
public sealed class AccessTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private static readonly Guid SomePartnership = Guid.Parse("0190f000-0000-7000-8000-000000000001");

    /// <summary>Each endpoint with the least role that may call it.</summary>
    public static readonly IReadOnlyList<(string Method, string Path, string Role)> Endpoints =
    [
        ("GET", "/api/partnerships", "reader"),
        ("POST", "/api/partnerships", "writer"),
        ("GET", $"/api/partnerships/{SomePartnership}", "reader"),
        ("POST", $"/api/partnerships/{SomePartnership}/events", "writer"),
        ("GET", $"/api/partnerships/{SomePartnership}/timeline", "auditor"),
        ("GET", $"/api/partnerships/{SomePartnership}/verify", "auditor"),
        ("GET", "/api/timeline", "auditor"),
        ("GET", "/api/verify", "auditor"),
        ("GET", "/api/organizations", "reader"),
        ("GET", "/api/pipeline", "reader"),
        ("GET", "/api/projections", "reader"),
        ("POST", "/api/projections/no-such-projection/rebuild", "admin"),
        ("GET", "/api/keys", "admin"),
        ("POST", "/api/keys", "admin"),
        ("DELETE", $"/api/keys/{SomePartnership}", "admin"),
        ("GET", "/api/me", "reader"),
    ];

    private static readonly Dictionary<string, string[]> Holders = new()
    {
        ["reader"] = ["reader", "auditor", "writer", "admin"],
        ["auditor"] = ["auditor", "admin"],
        ["writer"] = ["writer", "admin"],
        ["admin"] = ["admin"],
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> Matrix()
    {
        var matrix = new TheoryData<string, string, string>();
        foreach (var (method, path, _) in Endpoints)
        {
            foreach (var caller in new[] { "none", "unknown", "reader", "auditor", "writer", "admin" })
            {
                matrix.Add(method, path, caller);
            }
        }

        return matrix;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_caller_is_let_in_only_where_its_role_reaches(string method, string path, string caller)
    {
        var role = Endpoints.Single(endpoint => endpoint.Method == method && endpoint.Path == path).Role;
        using var client = caller switch
        {
            "none" => api.Client(null),
            "unknown" => api.Client(new TestKey("a-key-nobody-was-given-0000", "nobody", "admin")),
            _ => api.Client(TestKeys.All.Single(key => key.Role == caller)),
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent(BodyFor(path).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, Cancel);

        if (caller is "none" or "unknown")
        {
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains(response.Headers.WwwAuthenticate, challenge => challenge.Scheme == "ApiKey");
        }
        else if (!Holders[role].Contains(caller))
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.Contains($"'{role}'", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        else
        {
            Assert.True(
                response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                $"{caller} was refused {method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
        }
    }

    [Fact]
    public void The_matrix_covers_every_api_endpoint_the_service_maps()
    {
        var mapped = api.Services.GetServices<EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(method => $"{method} {Normalize(endpoint.RoutePattern.RawText!)}"))
            .Order()
            .ToList();
        var covered = Endpoints.Select(endpoint => $"{endpoint.Method} {Normalize(endpoint.Path)}").Order().ToList();

        Assert.Equal(mapped, covered);
    }

    private static string Normalize(string path) =>
        string.Join('/', path.TrimEnd('/').Split('/').Select(segment =>
            segment.StartsWith('{') || Guid.TryParse(segment, out _) ? "{}"
            : segment == "no-such-projection" ? "{}"
            : segment));

    private static JsonNode BodyFor(string path) => path switch
    {
        "/api/partnerships" => Opening(),
        "/api/keys" => new JsonObject { ["name"] = "matrix", ["roles"] = new JsonArray("reader") },
        _ => Note("from the matrix"),
    };
}
