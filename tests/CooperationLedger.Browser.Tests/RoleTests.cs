using CooperationLedger.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CooperationLedger.Browser.Tests;

public sealed class RoleTests(DashboardHost host)
{
    [Fact]
    public async Task A_reader_sees_the_partnership_and_its_visits_but_no_timeline_verify_export_or_as_of_controls()
    {
        using var reader = host.Api(TestRole.Reader);
        var summary = await reader.PartnershipTitledAsync(SampleData.TitleContaining("Jiading"));
        var id = summary["id"]!.GetValue<string>();
        await using var session = await host.OpenSessionAsync();
        var page = session.Page;

        await session.SignInAsync(TestRole.Reader, $"#/partnerships/{id}");

        await Expect(session.Heading).ToHaveTextAsync(summary["title"]!.GetValue<string>());
        await Expect(page.Locator(".visit table.participants tbody tr").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-timeline=restricted]")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open the audit timeline" })).ToHaveCountAsync(0);
        await session.ScreenshotAsync("reader-partnership");

        await session.NavigateAsync($"#/partnerships/{id}/timeline");
        await Expect(page.Locator("#app .message")).ToContainTextAsync("open to auditors");
        await Expect(page.Locator("#app")).ToContainTextAsync("reader");
        await AssertNoAuditorControlsAsync(page);
        Assert.DoesNotContain(session.ApiRequests, path => path.Contains("/timeline", StringComparison.Ordinal) || path.Contains("/verify", StringComparison.Ordinal) || path.Contains("asOf", StringComparison.Ordinal) || path.Contains("validAt", StringComparison.Ordinal));
        await session.ScreenshotAsync("reader-timeline-refused");
        session.AssertHealthy();
    }

    [Fact]
    public async Task An_auditor_on_the_same_pages_gets_those_controls()
    {
        using var reader = host.Api(TestRole.Reader);
        var id = (await reader.PartnershipTitledAsync(SampleData.TitleContaining("Jiading")))["id"]!.GetValue<string>();
        await using var session = await host.OpenSessionAsync();

        await session.SignInAsync(TestRole.Auditor, $"#/partnerships/{id}");
        await session.Page.GetByRole(AriaRole.Link, new() { Name = "Open the audit timeline" }).ClickAsync();

        foreach (var control in AuditorControls(session.Page))
        {
            await Expect(control).ToBeVisibleAsync();
        }

        session.AssertHealthy();
    }

    private static async Task AssertNoAuditorControlsAsync(IPage page)
    {
        foreach (var control in AuditorControls(page))
        {
            await Expect(control).ToHaveCountAsync(0);
        }
    }

    private static IEnumerable<ILocator> AuditorControls(IPage page) =>
    [
        page.GetByRole(AriaRole.Button, new() { Name = "Verify the hash chain" }),
        page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }),
        page.GetByRole(AriaRole.Button, new() { Name = "Download CloudEvents" }),
        page.GetByLabel("Recorded by (UTC)"),
        page.GetByLabel("On", new() { Exact = true }),
        page.Locator("ol.timeline"),
    ];
}
