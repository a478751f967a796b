using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

public sealed class KeysTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_created_key_works_at_once_with_its_roles_and_names_what_it_writes()
    {
        var (id, key) = await CreateKeyAsync("field-office", "writer");
        using var fieldOffice = api.Client(new TestKey(key, "field-office", "writer"));

        var (partnership, _) = await OpenAsync(fieldOffice);
        using var timeline = await fieldOffice.GetAsync($"/api/partnerships/{partnership}/timeline", Cancel);

        await AssertProblemAsync(timeline, HttpStatusCode.Forbidden);
        var recorded = await GetJsonAsync(api.Auditor, $"/api/partnerships/{partnership}/timeline");
        Assert.Equal("field-office", recorded["items"]![0]!["recordedBy"]!.GetValue<string>());
        var listed = await GetJsonAsync(api.Admin, "/api/keys");
        var entry = Assert.Single(listed["items"]!.AsArray(), item => item!["id"]!.GetValue<string>() == id.ToString())!;
        Assert.Equal("field-office", entry["name"]!.GetValue<string>());
        Assert.Equal(["writer"], entry["roles"]!.AsArray().Select(role => role!.GetValue<string>()));
        Assert.Null(entry["key"]);
        Assert.DoesNotContain(key, listed.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_is_stored_only_as_its_sha256()
    {
        var (id, key) = await CreateKeyAsync("hashed", "reader");

        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand("select key_hash, row_to_json(k)::text from ledger.api_keys k where id = $1", connection);
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        Assert.True(await reader.ReadAsync(Cancel));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key)), reader.GetFieldValue<byte[]>(0));
        Assert.DoesNotContain(key, reader.GetString(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_and_cannot_be_revoked_twice()
    {
        var (id, key) = await CreateKeyAsync("short-lived", "reader");
        using var shortLived = api.Client(new TestKey(key, "short-lived", "reader"));
        using var before = await shortLived.GetAsync("/api/partnerships", Cancel);

        using var revoked = await api.Admin.DeleteAsync($"/api/keys/{id}", Cancel);
        using var after = await shortLived.GetAsync("/api/partnerships", Cancel);
        using var again = await api.Admin.DeleteAsync($"/api/keys/{id}", Cancel);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await AssertProblemAsync(after, HttpStatusCode.Unauthorized);
        await AssertProblemAsync(again, HttpStatusCode.NotFound);
        var listed = await GetJsonAsync(api.Admin, "/api/keys");
        Assert.NotNull(listed["items"]!.AsArray().Single(item => item!["id"]!.GetValue<string>() == id.ToString())!["revokedAt"]);
    }

    [Fact]
    public async Task A_key_needs_a_name_and_known_roles()
    {
        using var response = await api.Admin.SendAsync(Post("/api/keys", new JsonObject { ["name"] = " ", ["roles"] = new JsonArray("superuser") }), Cancel);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["name", "roles"], problem["errors"]!.AsObject().Select(error => error.Key).Order());
    }

    private async Task<(Guid Id, string Key)> CreateKeyAsync(string name, string role)
    {
        using var response = await api.Admin.SendAsync(Post("/api/keys", new JsonObject { ["name"] = name, ["roles"] = new JsonArray(role) }), Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await ReadJsonAsync(response))!;
        var id = Guid.Parse(created["id"]!.GetValue<string>());
        Assert.Equal($"/api/keys/{id}", response.Headers.Location?.OriginalString);
        return (id, created["key"]!.GetValue<string>());
    }
}
