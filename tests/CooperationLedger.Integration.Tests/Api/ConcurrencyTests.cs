using System.Collections.Concurrent;
using System.Net;
using CooperationLedger.Api.Partnerships;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Api.ApiRequests;

namespace CooperationLedger.Integration.Tests.Api;

public sealed class ConcurrencyTests(LedgerApi api) : IClassFixture<LedgerApi>
{
    private const int Writers = 12;

    /// <summary>
    /// Each conflict a writer without If-Match meets is another writer's append that it had not seen, and it reads
    /// that append before it tries again; so with no more writers than its attempts, none can run out of them.
    /// </summary>
    private const int WritersWithoutIfMatch = PartnershipCommands.MaxAttempts;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Racing_retries_with_one_idempotency_key_write_once_and_all_get_the_same_answer()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var key = Guid.NewGuid().ToString();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var racing = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            using var client = api.Writer;
            await start.Task;
            using var response = await client.SendAsync(Post($"/api/partnerships/{id}/events", Draft("raced"), headers => headers.Add("Idempotency-Key", key)), Cancel);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Cancel), ETag: ETagOf(response));
        }, Cancel)).ToList();
        start.SetResult();
        var answers = await Task.WhenAll(racing);

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Created, answer.StatusCode));
        Assert.Single(answers.Select(answer => answer.Body).Distinct());
        Assert.Single(answers.Select(answer => answer.ETag).Distinct());
        var timeline = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline");
        Assert.Equal(2, timeline["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Racing_writers_with_if_match_each_version_has_exactly_one_winner_and_nothing_is_lost()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var winnersByVersion = new ConcurrentDictionary<long, int>();
        var refusals = 0;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var racing = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            using var client = api.Writer;
            await start.Task;
            while (true)
            {
                using var current = await client.GetAsync($"/api/partnerships/{id}", Cancel);
                var version = long.Parse(ETagOf(current).Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
                using var response = await client.SendAsync(
                    Post($"/api/partnerships/{id}/events", Note($"writer {writer}"), headers => headers.IfMatch.ParseAdd($"\"{version}\"")), Cancel);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var written = (await ReadJsonAsync(response))!["events"]![0]!["version"]!.GetValue<long>();
                    Assert.Equal(version + 1, written);
                    winnersByVersion.AddOrUpdate(written, 1, (_, count) => count + 1);
                    return;
                }

                Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
                Interlocked.Increment(ref refusals);
            }
        }, Cancel)).ToList();
        start.SetResult();
        await Task.WhenAll(racing);

        Assert.Equal(Enumerable.Range(2, Writers).Select(version => (long)version), winnersByVersion.Keys.Order());
        Assert.All(winnersByVersion.Values, winners => Assert.Equal(1, winners));
        var timeline = await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline");
        var items = timeline["items"]!.AsArray();
        Assert.Equal(Writers + 1, items.Count);
        Assert.Equal(
            Enumerable.Range(0, Writers).Select(writer => $"Note: writer {writer}").Order(),
            items.Skip(1).Select(item => item!["summary"]!.GetValue<string>()).Order());
        TestContext.Current.SendDiagnosticMessage($"{refusals} appends were refused with 412 and retried.");
    }

    [Fact]
    public async Task Racing_writers_without_if_match_all_get_in_each_decided_against_the_latest_state_and_none_is_doubled()
    {
        var (id, _) = await OpenAsync(api.Writer);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var racing = Enumerable.Range(0, WritersWithoutIfMatch).Select(writer => Task.Run(async () =>
        {
            using var client = api.Writer;
            await start.Task;
            var appended = await AppendAsync(client, id, Note($"writer {writer}"));
            return (Version: appended["events"]![0]!["version"]!.GetValue<long>(), Summary: $"Note: writer {writer}");
        }, Cancel)).ToList();
        start.SetResult();
        var answers = await Task.WhenAll(racing);

        var items = (await GetJsonAsync(api.Auditor, $"/api/partnerships/{id}/timeline"))["items"]!.AsArray();
        Assert.Equal(Enumerable.Range(1, WritersWithoutIfMatch + 1).Select(version => (long)version), items.Select(item => item!["version"]!.GetValue<long>()));
        Assert.Equal(
            answers.OrderBy(answer => answer.Version),
            items.Skip(1).Select(item => (Version: item!["version"]!.GetValue<long>(), Summary: item["summary"]!.GetValue<string>())));
    }
}
