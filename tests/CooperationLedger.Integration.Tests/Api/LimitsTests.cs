using System.Net;
using System.Text;
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

        using var declared = await api.Writer.PostAsync($"/api/partnerships/{id}/events", new StringContent(large, Encoding.UTF8, "application/json"), Cancel);
        using var chunkedContent = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(large)));
        chunkedContent.Headers.ContentType = new("application/json");
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/partnerships/{id}/events") { Content = chunkedContent };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        using var chunked = await api.Writer.SendAsync(chunkedRequest, Cancel);
        using var small = await api.Writer.PostAsync($"/api/partnerships/{id}/events", new StringContent(Note("fits").ToJsonString(), Encoding.UTF8, "application/json"), Cancel);

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
