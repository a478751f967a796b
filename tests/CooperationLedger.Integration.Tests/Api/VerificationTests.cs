using System.Net;
using Npgsql;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

public sealed class VerificationTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verification_finds_an_intact_ledger_valid_and_names_the_first_tampered_sequence()
    {
        var (intact, _) = await OpenAsync(api.Writer);
        await AppendAsync(api.Writer, intact, Note("untouched"));
        var (tampered, _) = await OpenAsync(api.Writer);
        var appended = await AppendAsync(api.Writer, tampered, Note("the original words"));
        var sequence = appended["events"]![0]!["sequence"]!.GetValue<long>();

        var before = await GetJsonAsync(api.Auditor, "/api/verify");
        Assert.True(before["valid"]!.GetValue<bool>());
        Assert.True(before["eventsChecked"]!.GetValue<long>() >= 4);
        Assert.Null(before["firstInvalidSequence"]);

        await TamperAsync($"update ledger.events set data = '{{\"text\": \"other words\"}}' where sequence = {sequence}");

        var whole = await GetJsonAsync(api.Auditor, "/api/verify");
        var one = await GetJsonAsync(api.Auditor, $"/api/partnerships/{tampered}/verify");
        var other = await GetJsonAsync(api.Auditor, $"/api/partnerships/{intact}/verify");
        Assert.False(whole["valid"]!.GetValue<bool>());
        Assert.Equal(sequence, whole["firstInvalidSequence"]!.GetValue<long>());
        Assert.False(string.IsNullOrWhiteSpace(whole["reason"]!.GetValue<string>()));
        Assert.False(one["valid"]!.GetValue<bool>());
        Assert.Equal(sequence, one["firstInvalidSequence"]!.GetValue<long>());
        Assert.Equal(2, one["eventsChecked"]!.GetValue<long>());
        Assert.True(other["valid"]!.GetValue<bool>());
        Assert.Equal(2, other["eventsChecked"]!.GetValue<long>());
    }

    [Fact]
    public async Task Verifying_an_unknown_partnership_is_404()
    {
        using var response = await api.Auditor.GetAsync($"/api/partnerships/{Guid.CreateVersion7()}/verify", Cancel);

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    /// <summary>As someone with full database access could: triggers off.</summary>
    private async Task TamperAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand($"set session_replication_role = replica; {sql}", connection);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Cancel));
    }
}
