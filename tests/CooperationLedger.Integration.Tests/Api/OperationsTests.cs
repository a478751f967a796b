using System.Net;
using CooperationLedger.Api.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>Health, projection status and rebuilds: what operators call.</summary>
public sealed class OperationsTests(LedgerApi api, Infrastructure.PostgresServer server) : IClassFixture<LedgerApi>
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
    public async Task Ready_is_503_naming_the_database_while_it_refuses_connections_and_200_again_once_it_takes_them()
    {
        // A host of its own: the other tests of the class need their database to stay up.
        await using var isolated = new LedgerApi(server);
        await isolated.InitializeAsync();
        using var client = isolated.Client(null);
        await WaitForReadyAsync(client);
        var database = new NpgsqlConnectionStringBuilder(isolated.ConnectionString).Database!;

        await AllowConnectionsAsync(database, false);
        try
        {
            using var refused = await client.GetAsync("/health/ready", Cancel);

            var problem = await AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("the database does not answer", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.False(problem["databaseAnswers"]!.GetValue<bool>());
            Assert.True(problem["migrationsApplied"]!.GetValue<bool>());
        }
        finally
        {
            await AllowConnectionsAsync(database, true);
        }

        await WaitForReadyAsync(client);
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

    /// <summary>
    /// Refusing connections and ending the open ones is how the database goes away for a running host without
    /// being dropped, so that it can come back.
    /// </summary>
    private async Task AllowConnectionsAsync(string database, bool allowed)
    {
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync(Cancel);
        await using (var allow = new NpgsqlCommand($"alter database {database} allow_connections {allowed}", connection))
        {
            await allow.ExecuteNonQueryAsync(Cancel);
        }

        if (!allowed)
        {
            // Materialized, so that the planner cannot end a backend before checking its database. The timeout makes
            // each call wait until its backend has gone, so that no pooled connection still answers.
            await using var terminate = new NpgsqlCommand(
                """
                with backends as materialized (select pid from pg_stat_activity where datname = $1)
                select count(*) from backends where not pg_terminate_backend(pid, 10000)
                """,
                connection);
            terminate.Parameters.Add(new() { Value = database });
            Assert.Equal(0L, await terminate.ExecuteScalarAsync(Cancel));
        }
    }

    private static async Task<string?> PlanCacheModeAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("show plan_cache_mode");
        return (string?)await command.ExecuteScalarAsync(Cancel);
    }
}
