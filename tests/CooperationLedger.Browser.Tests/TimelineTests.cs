using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CooperationLedger.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace CooperationLedger.Browser.Tests;

public sealed class TimelineTests(DashboardHost host)
{
    [Fact]
    public async Task Every_entry_shows_when_it_occurred_when_and_by_whom_it_was_recorded_how_late_and_its_source()
    {
        using var auditor = host.Api(TestRole.Auditor);
        var summary = await auditor.PartnershipTitledAsync(SampleData.TitleContaining("Shandong"));
        var id = summary["id"]!.GetValue<string>();
        var timeline = await auditor.TimelineAsync(id);
        await using var session = await host.OpenSessionAsync();

        await session.SignInAsync(TestRole.Auditor, $"#/partnerships/{id}/timeline");

        var articles = session.Page.Locator("ol.timeline article.entry");
        await Expect(articles).ToHaveCountAsync(timeline.Count);
        foreach (var entry in timeline)
        {
            var article = session.Page.Locator($"article.entry[data-event-id='{entry!["eventId"]}']");
            await Expect(article).ToHaveAttributeAsync("data-version", entry["version"]!.ToJsonString());
            await Expect(article.Locator(".entry-summary")).ToHaveTextAsync(entry["summary"]!.GetValue<string>());
            var occurredAt = entry["occurredAt"]!.GetValue<string>();
            await Expect(article.Locator("[data-fact=occurred]")).ToContainTextAsync(occurredAt[..10]);
            var recordedAt = DateTimeOffset.Parse(entry["recordedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            await Expect(article.Locator("[data-fact=recorded]")).ToContainTextAsync(recordedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            var daysLate = DateOnly.FromDateTime(recordedAt.UtcDateTime).DayNumber - DateOnly.ParseExact(occurredAt[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber;
            Assert.True(daysLate > 1, "The sample entries were recorded long after they occurred.");
            await Expect(article.Locator(".lateness")).ToHaveTextAsync($"(recorded {daysLate} days later)");
            await Expect(article.Locator(".recorded-by")).ToHaveTextAsync(entry["recordedBy"]!.GetValue<string>());
            if (entry["source"] is JsonObject source)
            {
                await Expect(article.Locator("[data-fact=source]")).ToContainTextAsync(source["title"]!.GetValue<string>());
            }
        }

        await session.ScreenshotAsync("timeline");
        session.AssertHealthy();
    }

    [Fact]
    public async Task A_correction_and_the_entry_it_corrects_link_to_each_other_and_the_corrected_entry_is_marked()
    {
        using var writer = host.Api(TestRole.Writer);
        var (id, noteId, correctionId) = await LedgerScenarios.WithCorrectedNoteAsync(writer, "Return visits with Correction Test University");
        await using var session = await host.OpenSessionAsync();
        await session.SignInAsync(TestRole.Auditor, $"#/partnerships/{id}/timeline");

        var note = session.Page.Locator($"article.entry[data-event-id='{noteId}']");
        var correction = session.Page.Locator($"article.entry[data-event-id='{correctionId}']");
        await Expect(note).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-corrected"));
        await Expect(note.Locator(".badge.corrected")).ToHaveTextAsync("Corrected");
        await Expect(correction).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-corrected"));
        await Expect(note.Locator(".entry-facts [data-fact=recorded-by]")).ToContainTextAsync(writer.Key.Name);
        await Expect(note.GetByRole(AriaRole.Link, new() { NameRegex = new("Minutes of the meeting of 6 May") })).ToHaveAttributeAsync("href", LedgerScenarios.MinutesUrl);

        await note.GetByRole(AriaRole.Link, new() { NameRegex = new("Entry corrected") }).ClickAsync();
        await Expect(correction).ToBeFocusedAsync();
        await Expect(correction.Locator("[data-corrects]")).ToContainTextAsync("The minutes had the wrong day.");

        await correction.GetByRole(AriaRole.Link, new() { NameRegex = new("Note added") }).ClickAsync();
        await Expect(note).ToBeFocusedAsync();
        await session.ScreenshotAsync("timeline-correction");
        session.AssertHealthy();
    }

    [Fact]
    public async Task As_of_shows_what_the_ledger_knew_then_and_valid_at_what_was_true_on_a_day()
    {
        using var writer = host.Api(TestRole.Writer);
        using var auditor = host.Api(TestRole.Auditor);
        var id = await LedgerScenarios.OpenAsync(writer, "Talent programme with As Of Test Group", "As Of Test Group", new DateOnly(2024, 1, 10));
        // The two recordings must be told apart at the millisecond the date-time picker carries.
        await Task.Delay(50, TestContext.Current.CancellationToken);
        await LedgerScenarios.AppendAsync(writer, id, "consensus-reached", new DateOnly(2024, 2, 15), new JsonObject
        {
            ["level"] = "preliminary",
            ["summary"] = "Agreed to explore custom training.",
            ["areas"] = new JsonArray("custom-training"),
        });
        var timeline = await auditor.TimelineAsync(id);
        var openedAt = DateTimeOffset.Parse(timeline[0]!["recordedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var consensusAt = DateTimeOffset.Parse(timeline[1]!["recordedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var between = openedAt + ((consensusAt - openedAt) / 2);
        // Chromium keeps a datetime-local value without trailing zeros (…:38.63), and Playwright refuses a fill it would change.
        var betweenText = between.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF", CultureInfo.InvariantCulture);
        var knownThen = await auditor.GetJsonAsync($"/api/partnerships/{id}?asOf={Uri.EscapeDataString(betweenText + "Z")}");
        var now = await auditor.GetJsonAsync($"/api/partnerships/{id}");
        Assert.NotEqual(now["stage"]!.GetValue<string>(), knownThen["stage"]!.GetValue<string>());
        await using var session = await host.OpenSessionAsync();
        await session.SignInAsync(TestRole.Auditor, $"#/partnerships/{id}/timeline");

        await session.Page.GetByLabel("Recorded by (UTC)").FillAsync(betweenText);
        await session.Page.Locator("#as-of-form").GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();

        var asOf = session.Page.Locator("#as-of-result .snapshot");
        await Expect(asOf).ToHaveAttributeAsync("data-stage", knownThen["stage"]!.GetValue<string>());
        await Expect(asOf).ToHaveAttributeAsync("data-version", knownThen["version"]!.ToJsonString());
        await Expect(session.Page.Locator($"article.entry[data-event-id='{timeline[1]!["eventId"]}'] .badge.not-yet")).ToBeVisibleAsync();
        await Expect(session.Page.Locator($"article.entry[data-event-id='{timeline[0]!["eventId"]}'] .badge.not-yet")).ToBeHiddenAsync();

        foreach (var day in new[] { "2024-01-20", "2024-03-01" })
        {
            var trueThen = await auditor.GetJsonAsync($"/api/partnerships/{id}?validAt={day}");
            await session.Page.GetByLabel("On", new() { Exact = true }).FillAsync(day);
            await session.Page.Locator("#valid-at-form").GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            var validAt = session.Page.Locator("#valid-at-result .snapshot");
            await Expect(session.Page.Locator("#valid-at-result h3")).ToContainTextAsync(day);
            await Expect(validAt).ToHaveAttributeAsync("data-stage", trueThen["stage"]!.GetValue<string>());
            await Expect(validAt.Locator("[data-fact=stage] .badge")).ToHaveAttributeAsync("data-stage", trueThen["stage"]!.GetValue<string>());
        }

        Assert.NotEqual(
            (await auditor.GetJsonAsync($"/api/partnerships/{id}?validAt=2024-01-20"))["stage"]!.GetValue<string>(),
            (await auditor.GetJsonAsync($"/api/partnerships/{id}?validAt=2024-03-01"))["stage"]!.GetValue<string>());
        await session.ScreenshotAsync("timeline-as-of-valid-at");
        session.AssertHealthy();
    }

    [Fact]
    public async Task Verify_reports_an_intact_chain_and_then_the_entry_altered_behind_the_ledgers_back()
    {
        using var writer = host.Api(TestRole.Writer);
        using var auditor = host.Api(TestRole.Auditor);
        var (id, noteId, _) = await LedgerScenarios.WithCorrectedNoteAsync(writer, "Exchange with Tamper Test Institute");
        var intact = await auditor.GetJsonAsync($"/api/partnerships/{id}/verify");
        Assert.True(intact["valid"]!.GetValue<bool>());
        await using var session = await host.OpenSessionAsync();
        await session.SignInAsync(TestRole.Auditor, $"#/partnerships/{id}/timeline");
        var verify = session.Page.GetByRole(AriaRole.Button, new() { Name = "Verify the hash chain" });
        var result = session.Page.Locator("#verify-result .message");

        await verify.ClickAsync();
        await Expect(result).ToHaveAttributeAsync("data-valid", "true");
        await Expect(result).ToContainTextAsync($"{intact["eventsChecked"]} events checked");
        await session.ScreenshotAsync("timeline-verified");

        await TamperAsync(noteId);
        var broken = await auditor.GetJsonAsync($"/api/partnerships/{id}/verify");
        Assert.False(broken["valid"]!.GetValue<bool>());
        await verify.ClickAsync();
        await Expect(result).ToHaveAttributeAsync("data-valid", "false");
        await Expect(result).ToContainTextAsync($"sequence {broken["firstInvalidSequence"]}");
        await session.ScreenshotAsync("timeline-tampered");
        session.AssertHealthy();
    }

    [Fact]
    public async Task Filters_by_type_and_occurred_date_show_just_the_matching_entries()
    {
        using var auditor = host.Api(TestRole.Auditor);
        var summary = await auditor.PartnershipTitledAsync(SampleData.TitleContaining("Shandong"));
        var id = summary["id"]!.GetValue<string>();
        var timeline = await auditor.TimelineAsync(id);
        await using var session = await host.OpenSessionAsync();
        await session.SignInAsync(TestRole.Auditor, $"#/partnerships/{id}/timeline");
        var shown = session.Page.Locator("ol.timeline li:visible article.entry");
        await Expect(shown).ToHaveCountAsync(timeline.Count);

        foreach (var type in timeline.Select(entry => entry!["type"]!.GetValue<string>()).Distinct())
        {
            await session.Page.GetByLabel("Type").SelectOptionAsync(type);
            await Expect(shown).ToHaveCountAsync(timeline.Count(entry => entry!["type"]!.GetValue<string>() == type));
            foreach (var article in await shown.AllAsync())
            {
                await Expect(article).ToHaveAttributeAsync("data-type", type);
            }
        }

        await session.Page.GetByLabel("Type").SelectOptionAsync("");
        var days = timeline.Select(entry => entry!["occurredAt"]!.GetValue<string>()[..10]).Order(StringComparer.Ordinal).ToList();
        var nextDay = DateOnly.ParseExact(days[^1], "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await session.Page.GetByLabel("Occurred from").FillAsync(nextDay);
        await Expect(shown).ToHaveCountAsync(0);
        await session.Page.GetByLabel("Occurred from").FillAsync(days[0]);
        await session.Page.GetByLabel("Occurred until").FillAsync(days[0]);
        await Expect(shown).ToHaveCountAsync(days.Count(day => day == days[0]));
        await Expect(session.Page.Locator("#filter-count")).ToHaveTextAsync($"Showing {days.Count(day => day == days[0])} of {timeline.Count} entries.");
        session.AssertHealthy();
    }

    [Fact]
    public async Task Csv_and_CloudEvents_downloads_are_the_ledgers_exports_of_the_timeline()
    {
        using var auditor = host.Api(TestRole.Auditor);
        var summary = await auditor.PartnershipTitledAsync(SampleData.TitleContaining("Jiading"));
        var id = summary["id"]!.GetValue<string>();
        var timeline = await auditor.TimelineAsync(id);
        using var csvResponse = await auditor.GetAsync($"/api/partnerships/{id}/timeline", "text/csv");
        var expectedCsv = await csvResponse.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        await using var session = await host.OpenSessionAsync();
        await session.SignInAsync(TestRole.Auditor, $"#/partnerships/{id}/timeline");

        var csvDownload = await session.Page.RunAndWaitForDownloadAsync(() =>
            session.Page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).ClickAsync());
        var csv = await File.ReadAllTextAsync((await csvDownload.PathAsync())!, TestContext.Current.CancellationToken);

        Assert.Equal($"partnership-{id}-timeline.csv", csvDownload.SuggestedFilename);
        Assert.Equal(expectedCsv, csv);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("sequence", lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.All(timeline, entry => Assert.Contains(entry!["eventId"]!.GetValue<string>(), csv, StringComparison.OrdinalIgnoreCase));

        var cloudEventsDownload = await session.Page.RunAndWaitForDownloadAsync(() =>
            session.Page.GetByRole(AriaRole.Button, new() { Name = "Download CloudEvents" }).ClickAsync());
        using var batch = JsonDocument.Parse(await File.ReadAllTextAsync((await cloudEventsDownload.PathAsync())!, TestContext.Current.CancellationToken));

        var events = batch.RootElement.EnumerateArray().ToList();
        Assert.Equal(timeline.Select(entry => entry!["eventId"]!.GetValue<string>()), events.Select(cloudEvent => cloudEvent.GetProperty("id").GetString()));
        Assert.All(events, cloudEvent => Assert.Equal("1.0", cloudEvent.GetProperty("specversion").GetString()));
        await Expect(session.Page.Locator(".tool").Filter(new() { HasText = "Export" })).ToContainTextAsync($"Saved partnership-{id}-cloudevents.json");
        session.AssertHealthy();
    }

    /// <summary>Rewrites an entry's data the way someone with full database access could, past the append-only triggers.</summary>
    private async Task TamperAsync(string eventId)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(host.DatabaseConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var bypassTriggers = new NpgsqlCommand("set session_replication_role = replica", connection))
        {
            await bypassTriggers.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var rewrite = new NpgsqlCommand(
            """
            update ledger.events set data = jsonb_set(data, '{text}', '"Nothing was planned."') where event_id = @eventId
            """,
            connection);
        rewrite.Parameters.AddWithValue("eventId", Guid.Parse(eventId));
        Assert.Equal(1, await rewrite.ExecuteNonQueryAsync(cancellationToken));
    }
}
