using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>The API with a 1 KiB body limit and one allowed cross-origin caller.</summary>
public sealed class LimitedLedgerApi(PostgresServer server) : LedgerApi(server)
{
    public const string AllowedOrigin = "https://dashboard.example";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Ledger:MaxRequestBodyBytes"] = "1024",
        ["Ledger:Cors:Origins:0"] = AllowedOrigin,
    };
}

public sealed class LimitsTests(LimitedLedgerApi api) : IClassFixture<LimitedLedgerApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_body_over_the_limit_is_413_whether_its_length_is_declared_or_not()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var large = Note(new string('x', 2_000)).ToJsonString();

        using var declared = await api.Writer.SendAsync(PostText($"/api/partnerships/{id}/events", large), Cancel);
        using var chunked = await api.Writer.SendAsync(PostText($"/api/partnerships/{id}/events", large, declareLength: false), Cancel);
        using var small = await api.Writer.SendAsync(PostText($"/api/partnerships/{id}/events", Note("fits").ToJsonString()), Cancel);

        await AssertProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(chunked, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
        var timeline = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline");
        Assert.Equal(2, timeline["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Cross_origin_calls_are_allowed_only_from_the_configured_origin()
    {
        var allowed = await PreflightAsync(LimitedLedgerApi.AllowedOrigin);
        var other = await PreflightAsync("https://elsewhere.example");

        Assert.Equal(LimitedLedgerApi.AllowedOrigin, allowed);
        Assert.Null(other);
    }

    private async Task<string?> PreflightAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/partnerships");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "X-Api-Key");
        using var response = await api.Client(null).SendAsync(request, Cancel);
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
    }
}

/// <summary>The body limit a service has when none is configured: 1 MiB.</summary>
public sealed class DefaultBodyLimitTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private const int DefaultLimit = 1024 * 1024;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_opening_one_byte_over_a_mib_is_413_and_opens_nothing_and_one_of_a_mib_is_opened(bool declareLength)
    {
        var token = Guid.NewGuid().ToString("N")[..10];
        var opening = Opening($"Padded {token}").ToJsonString();

        using var over = await api.Writer.SendAsync(PostText("/api/partnerships", PaddedTo(opening, DefaultLimit + 1), declareLength), Cancel);
        using var atLimit = await api.Writer.SendAsync(PostText("/api/partnerships", PaddedTo(opening, DefaultLimit), declareLength), Cancel);

        await AssertProblemAsync(over, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);
        Assert.Equal(1, (await GetJsonAsync(api.Reader, $"/api/partnerships?q={token}"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_key_request_one_byte_over_a_mib_is_413_and_creates_no_key_and_one_of_a_mib_creates_one()
    {
        var name = $"padded-{Guid.NewGuid():N}";
        var request = new JsonObject { ["name"] = name, ["roles"] = new JsonArray("reader") }.ToJsonString();

        using var over = await api.Admin.SendAsync(PostText("/api/keys", PaddedTo(request, DefaultLimit + 1)), Cancel);
        using var atLimit = await api.Admin.SendAsync(PostText("/api/keys", PaddedTo(request, DefaultLimit)), Cancel);

        await AssertProblemAsync(over, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);
        var keys = await GetJsonAsync(api.Admin, "/api/keys");
        Assert.Single(keys["items"]!.AsArray(), key => key!["name"]!.GetValue<string>() == name);
    }

    /// <summary>Trailing whitespace leaves the JSON as it was, so that only the size differs.</summary>
    private static string PaddedTo(string json, int bytes)
    {
        Assert.True(Encoding.UTF8.GetByteCount(json) == json.Length, "The padding counts characters, so the JSON must be ASCII.");
        return json.PadRight(bytes);
    }
}

public sealed class CorsOffTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    [Fact]
    public async Task Without_configured_origins_no_cross_origin_call_is_allowed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/partnerships");
        request.Headers.Add("Origin", "https://dashboard.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        using var preflight = await api.Client(null).SendAsync(request, TestContext.Current.CancellationToken);
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/partnerships");
        get.Headers.Add("Origin", "https://dashboard.example");
        using var response = await api.Reader.SendAsync(get, TestContext.Current.CancellationToken);

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
