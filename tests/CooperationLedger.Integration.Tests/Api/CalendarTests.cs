using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CooperationLedger.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>A clock the tests move forward; the service takes "now" and "today" from it.</summary>
public sealed class MovableClock(DateTimeOffset start) : TimeProvider
{
    private long elapsedTicks;

    public override DateTimeOffset GetUtcNow() => start.AddTicks(Interlocked.Read(ref elapsedTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref elapsedTicks, by.Ticks);

    public void MoveForwardTo(DateTimeOffset moment)
    {
        var by = moment - GetUtcNow();
        Assert.True(by >= TimeSpan.Zero, $"The clock is already past {moment:O}.");
        Advance(by);
    }
}

/// <summary>The API with its clock at 2024-06-01T08:00Z, movable.</summary>
public sealed class ClockedLedgerApi(PostgresServer server) : LedgerApi(server)
{
    public MovableClock Clock { get; } = new(new DateTimeOffset(2024, 6, 1, 8, 0, 0, TimeSpan.Zero));

    protected override void ConfigureServices(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
}

public sealed class CalendarTests(ClockedLedgerApi api) : IClassFixture<ClockedLedgerApi>
{
    [Fact]
    public async Task Stages_follow_the_calendar_in_the_summary_and_in_filtered_lists()
    {
        var token = Guid.NewGuid().ToString("N")[..10];
        var (id, _) = await OpenAsync(api.Writer, Opening($"Calendar {token}", occurredAt: "2024-05-01"));
        await AppendAsync(api.Writer, id, new JsonArray(Draft("summer", "2024-05-10"), Sign("summer", "2024-05-20", "2024-06-10", "2024-06-20")));

        Assert.Equal(("negotiating", "2024-06-20"), await StageAndNextExpiryAsync(id));
        Assert.Equal(["negotiating"], await ListedStagesAsync(token));

        api.Clock.MoveForwardTo(new DateTimeOffset(2024, 6, 10, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(["active"], await ListedStagesAsync(token));
        Assert.Equal(("active", "2024-06-20"), await StageAndNextExpiryAsync(id));
        Assert.Single((await GetJsonAsync(api.Reader, $"/api/partnerships?q={token}&stage=active"))["items"]!.AsArray());

        api.Clock.MoveForwardTo(new DateTimeOffset(2024, 6, 21, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(("lapsed", null), await StageAndNextExpiryAsync(id));
        Assert.Equal(["lapsed"], await ListedStagesAsync(token));
        var summary = await GetJsonAsync(api.Reader, $"/api/partnerships/{id}");
        Assert.Equal("expired", summary["agreements"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("2024-06-21", summary["asOf"]!.GetValue<string>());
    }

    [Fact]
    public async Task Days_since_last_activity_counts_from_the_clock()
    {
        var (id, _) = await OpenAsync(api.Writer, Opening(occurredAt: "2024-05-22"));

        var before = await GetJsonAsync(api.Reader, $"/api/partnerships/{id}");
        api.Clock.Advance(TimeSpan.FromDays(3));
        var after = await GetJsonAsync(api.Reader, $"/api/partnerships/{id}");

        Assert.Equal(before["daysSinceLastActivity"]!.GetValue<int>() + 3, after["daysSinceLastActivity"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_opening_without_occurredAt_retried_the_next_day_under_its_key_answers_as_the_first()
    {
        var key = Guid.NewGuid().ToString();
        Task<HttpResponseMessage> OpenUnderKeyAsync() => api.Writer.SendAsync(
            Post("/api/partnerships", Opening($"Retried overnight {key}", occurredAt: null), headers => headers.Add("Idempotency-Key", key)),
            TestContext.Current.CancellationToken);
        using var first = await OpenUnderKeyAsync();

        api.Clock.Advance(TimeSpan.FromDays(1));
        using var retry = await OpenUnderKeyAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
    }

    [Fact]
    public async Task The_pipeline_lists_as_stale_a_partnership_once_staleDays_have_passed_since_its_last_activity()
    {
        var today = DateOnly.FromDateTime(api.Clock.GetUtcNow().UtcDateTime);
        var (quiet, _) = await OpenAsync(api.Writer, Opening(occurredAt: DayOf(today.AddDays(-30))));
        var (recent, _) = await OpenAsync(api.Writer, Opening(occurredAt: DayOf(today.AddDays(-29))));

        var before = await DaysSinceLastActivityOfStaleAsync(30, quiet, recent);
        api.Clock.Advance(TimeSpan.FromDays(1));
        var after = await DaysSinceLastActivityOfStaleAsync(30, quiet, recent);

        Assert.Equal(new Dictionary<Guid, int> { [quiet] = 30 }, before);
        Assert.Equal(new Dictionary<Guid, int> { [quiet] = 31, [recent] = 30 }, after);
    }

    private static string DayOf(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Of <paramref name="partnerships"/>, those the pipeline lists as stale, with their days since last activity.</summary>
    private async Task<Dictionary<Guid, int>> DaysSinceLastActivityOfStaleAsync(int staleDays, params Guid[] partnerships)
    {
        var pipeline = await GetJsonAsync(api.Reader, $"/api/pipeline?staleDays={staleDays}");
        return pipeline["stale"]!.AsArray()
            .Select(stale => (Id: Guid.Parse(stale!["partnershipId"]!.GetValue<string>()), Days: stale["daysSinceLastActivity"]!.GetValue<int>()))
            .Where(stale => partnerships.Contains(stale.Id))
            .ToDictionary(stale => stale.Id, stale => stale.Days);
    }

    private async Task<(string Stage, string? NextExpiry)> StageAndNextExpiryAsync(Guid id)
    {
        var summary = await GetJsonAsync(api.Reader, $"/api/partnerships/{id}");
        return (summary["stage"]!.GetValue<string>(), summary["nextExpiry"]?.GetValue<string>());
    }

    private async Task<string[]> ListedStagesAsync(string token)
    {
        var list = await GetJsonAsync(api.Reader, $"/api/partnerships?q={token}");
        return [.. list["items"]!.AsArray().Select(item => item!["stage"]!.GetValue<string>())];
    }
}
