using System.Net;
using CooperationLedger.Api.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>Health, projection status and rebuilds: what operators call.</summary>
public sealed class OperationsTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Live_and_ready_answer_200_without_a_key_once_the_daemon_runs()
    {
        using var client = api.Client(null);
        using var live = await client.GetAsync("/health/live", Cancel);
        var ready = await WaitForReadyAsync(client);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        Assert.True(ready["databaseAnswers"]!.GetValue<bool>());
        Assert.True(ready["migrationsApplied"]!.GetValue<bool>());
        Assert.True(ready["projectionsRunning"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Planned_appends_plan_their_statements_once_per_connection_and_the_other_connections_as_usual()
    {
        var database = api.Services.GetRequiredService<LedgerDatabase>();

        Assert.Equal("force_generic_plan", await PlanCacheModeAsync(database.AppendDataSource));
        Assert.Equal("auto", await PlanCacheModeAsync(database.DataSource));
    }

    [Fact]
    public async Task Projection_status_lists_each_read_model_with_mode_state_and_lag()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var appended = await AppendAsync(api.Writer, id, Visit());
        var sequence = appended["events"]![0]!["sequence"]!.GetValue<long>();
        await GetJsonAsync(api.Reader, $"/api/organizations?minSequence={sequence}");

        var status = await GetJsonAsync(api.Reader, "/api/projections");

        var projections = status["items"]!.AsArray().ToDictionary(item => item!["name"]!.GetValue<string>(), item => item!);
        Assert.Equal("inline", projections["partnership-summaries"]["mode"]!.GetValue<string>());
        Assert.Equal("async", projections["organizations"]["mode"]!.GetValue<string>());
        Assert.All(projections.Values, projection =>
        {
            Assert.Equal("running", projection["state"]!.GetValue<string>());
            Assert.True(projection["headSequence"]!.GetValue<long>() >= sequence);
            Assert.True(projection["lagEvents"]!.GetValue<long>() >= 0);
        });
        Assert.True(projections["organizations"]["position"]!.GetValue<long>() >= sequence);
    }

    [Fact]
    public async Task A_rebuild_is_accepted_for_a_known_projection_and_the_read_model_answers_throughout()
    {
        var (id, _) = await OpenAsync(api.Writer);

        using var accepted = await api.Admin.PostAsync("/api/projections/partnership-summaries/rebuild", null, Cancel);
        var summary = await GetJsonAsync(api.Reader, $"/api/partnerships/{id}");
        using var unknown = await api.Admin.PostAsync("/api/projections/no-such-projection/rebuild", null, Cancel);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("partnership-summaries", (await ReadJsonAsync(accepted))!["name"]!.GetValue<string>());
        Assert.Equal(id.ToString(), summary["id"]!.GetValue<string>());
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        await WaitUntilAsync(async () =>
        {
            var status = await GetJsonAsync(api.Reader, "/api/projections");
            return status["items"]!.AsArray().Single(item => item!["name"]!.GetValue<string>() == "partnership-summaries")!["rebuild"] is null;
        });
        Assert.Equal(id.ToString(), (await GetJsonAsync(api.Reader, $"/api/partnerships/{id}"))["id"]!.GetValue<string>());
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> WaitForReadyAsync(HttpClient client)
    {
        System.Text.Json.Nodes.JsonNode? ready = null;
        await WaitUntilAsync(async () =>
        {
            using var response = await client.GetAsync("/health/ready", Cancel);
            ready = await ReadJsonAsync(response);
            return response.StatusCode == HttpStatusCode.OK;
        });
        return ready!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(100, Cancel);
        }
    }

    private static async Task<string?> PlanCacheModeAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("show plan_cache_mode");
        return (string?)await command.ExecuteScalarAsync(Cancel);
    }
}
