using System.Net;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>The API allowing each key three requests a minute.</summary>
public sealed class RateLimitedLedgerApi(PostgresServer server) : LedgerApi(server)
{
    public const int PermitLimit = 3;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Ledger:RateLimit:PermitLimit"] = PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Ledger:RateLimit:WindowSeconds"] = "60",
    };
}

public sealed class RateLimitTests(RateLimitedLedgerApi api) : IClassFixture<RateLimitedLedgerApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_key_over_its_limit_gets_429_with_retry_after_while_other_keys_go_on()
    {
        using var reader = api.Reader;
        for (var request = 0; request < RateLimitedLedgerApi.PermitLimit; request++)
        {
            using var allowed = await reader.GetAsync("/api/pipeline", Cancel);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await reader.GetAsync("/api/pipeline", Cancel);
        using var otherKey = await api.Auditor.GetAsync("/api/pipeline", Cancel);
        using var health = await reader.GetAsync("/health/live", Cancel);

        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
