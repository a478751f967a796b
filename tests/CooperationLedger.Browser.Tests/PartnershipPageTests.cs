using System.Text.Json.Nodes;
using CooperationLedger.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CooperationLedger.Browser.Tests;

public sealed class PartnershipPageTests(DashboardHost host)
{
    [Fact]
    public async Task A_partnership_opened_from_the_overview_shows_its_summary_partners_areas_visits_and_timeline()
    {
        using var auditor = host.Api(TestRole.Auditor);
        var title = SampleData.TitleContaining("Shandong");
        var summary = await auditor.PartnershipTitledAsync(title);
        var id = summary["id"]!.GetValue<string>();
        var timeline = await auditor.TimelineAsync(id);
        await using var session = await host.OpenSessionAsync();
        await session.SignInAsync(TestRole.Auditor);

        await session.Page.GetByRole(AriaRole.Link, new() { Name = title, Exact = true }).First.ClickAsync();

        await Expect(session.Heading).ToHaveTextAsync(title);
        Assert.EndsWith($"#/partnerships/{id}", session.Page.Url, StringComparison.Ordinal);
        var page = session.Page;
        await Expect(page.Locator("[data-fact=stage] .badge")).ToHaveAttributeAsync("data-stage", summary["stage"]!.GetValue<string>());
        await Expect(page.Locator("[data-fact=version] dd")).ToHaveTextAsync(summary["version"]!.ToJsonString());
        foreach (var partner in summary["partners"]!.AsArray())
        {
            await Expect(page.Locator(".partners")).ToContainTextAsync(partner!["name"]!.GetValue<string>());
            foreach (var alias in partner["aliases"]?.AsArray() ?? [])
            {
                await Expect(page.Locator(".partners .aliases")).ToContainTextAsync(alias!.GetValue<string>());
            }
        }

        var declared = summary["declaredAreas"]!.AsArray().Select(area => Words(area!.GetValue<string>())).ToArray();
        Assert.NotEmpty(declared);
        await Expect(page.Locator("[data-areas=declared] li")).ToHaveTextAsync(declared);

        var visit = Assert.Single(timeline, entry => entry!["type"]!.GetValue<string>() == "visit-held")!;
        var participants = visit["data"]!["participants"]!.AsArray().Select(participant => participant!["name"]!.GetValue<string>()).ToArray();
        await Expect(page.Locator($".visit[data-event-id='{visit["eventId"]}'] table.participants tbody th")).ToHaveTextAsync(participants);
        await Expect(page.Locator(".visit")).ToContainTextAsync(visit["data"]!["delegationLead"]!["name"]!.GetValue<string>());

        await Expect(page.Locator(".compact-timeline li")).ToHaveCountAsync(timeline.Count);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open the audit timeline" })).ToBeVisibleAsync();
        await session.ScreenshotAsync("partnership");
        session.AssertHealthy();
    }

    [Fact]
    public async Task Agreements_show_their_status_and_expiry_and_the_next_expiry_is_given()
    {
        using var writer = host.Api(TestRole.Writer);
        using var reader = host.Api(TestRole.Reader);
        var (id, agreementId, expiresOn) = await LedgerScenarios.WithAgreementExpiringAsync(writer, "Joint research with Agreement Page Test Ltd", daysFromToday: 200);
        var summary = await reader.GetJsonAsync($"/api/partnerships/{id}");
        var agreement = Assert.Single(summary["agreements"]!.AsArray())!;
        Assert.Equal("active", agreement["status"]!.GetValue<string>());
        await using var session = await host.OpenSessionAsync();

        await session.SignInAsync(TestRole.Reader, $"#/partnerships/{id}");

        var row = session.Page.Locator($"table.agreements tr[data-agreement-id='{agreementId}']");
        await Expect(row.Locator(".badge")).ToHaveAttributeAsync("data-status", "active");
        await Expect(row.Locator("[data-expires]")).ToHaveTextAsync(LedgerScenarios.Day(expiresOn));
        await Expect(row).ToContainTextAsync(agreement["signedOn"]!.GetValue<string>());
        await Expect(session.Page.Locator("[data-fact=next-expiry] dd")).ToHaveTextAsync(summary["nextExpiry"]!.GetValue<string>());
        await Expect(session.Page.Locator("[data-areas=agreed] li")).ToHaveTextAsync(
            [.. summary["agreedAreas"]!.AsArray().Select(area => Words(area!.GetValue<string>()))]);
        await session.ScreenshotAsync("partnership-agreement");
        session.AssertHealthy();
    }

    private static string Words(string wireName)
    {
        var words = wireName.Replace('-', ' ');
        return char.ToUpperInvariant(words[0]) + words[1..];
    }
}
