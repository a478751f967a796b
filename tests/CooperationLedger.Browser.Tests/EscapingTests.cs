using System.Text.Json.Nodes;
using CooperationLedger.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CooperationLedger.Browser.Tests;

public sealed class EscapingTests(DashboardHost host)
{
    private const string ScriptPartner = "<script>alert(1)</script>";
    private const string ImageTitle = "Cooperation with <img src=x onerror=alert(2)>";
    private const string SvgAlias = "\"><svg onload=alert(3)>";
    private const string NoteText = "<b>not bold</b> & <iframe src=javascript:alert(4)></iframe>";
    private const string SourceTitle = "<i>An article</i>";

    [Fact]
    public async Task Markup_in_names_titles_aliases_and_notes_shows_as_text_on_every_page_and_never_runs()
    {
        using var writer = host.Api(TestRole.Writer);
        var id = await LedgerScenarios.OpenAsync(writer, ImageTitle, ScriptPartner, new DateOnly(2024, 6, 3), "other", SvgAlias);
        await LedgerScenarios.AppendAsync(
            writer, id, "note-added", new DateOnly(2024, 6, 4), new JsonObject { ["text"] = NoteText },
            new JsonObject { ["kind"] = "news-article", ["title"] = SourceTitle, ["url"] = "javascript:alert(5)" });
        await using var session = await host.OpenSessionAsync();
        var page = session.Page;

        await session.SignInAsync(TestRole.Auditor);
        await Expect(page.Locator($"tr[data-partnership-id='{id}'] th")).ToHaveTextAsync(ImageTitle);
        await Expect(page.Locator($"tr[data-partnership-id='{id}']")).ToContainTextAsync(ScriptPartner);
        await page.GetByRole(AriaRole.Searchbox).FillAsync(ScriptPartner);
        await page.GetByRole(AriaRole.Searchbox).PressAsync("Enter");
        await Expect(page.Locator("[data-results=partnerships] a")).ToHaveTextAsync([ImageTitle]);
        await AssertNothingInjectedAsync(session);

        await session.NavigateAsync($"#/partnerships/{id}");
        await Expect(session.Heading).ToHaveTextAsync(ImageTitle);
        await Expect(page.Locator(".partners .partner-name")).ToHaveTextAsync(ScriptPartner);
        await Expect(page.Locator(".partners .aliases")).ToContainTextAsync(SvgAlias);
        await session.ScreenshotAsync("escaping-partnership");
        await AssertNothingInjectedAsync(session);

        await session.NavigateAsync($"#/partnerships/{id}/timeline");
        await Expect(page.Locator("article.entry[data-type=note-added] .entry-summary")).ToContainTextAsync(NoteText);
        await Expect(page.Locator("article.entry[data-type=note-added] pre.data")).ToContainTextAsync(NoteText);
        var source = page.Locator("article.entry[data-type=note-added] [data-fact=source]");
        await Expect(source).ToContainTextAsync(SourceTitle);
        await Expect(source.Locator("a")).ToHaveCountAsync(0);
        await AssertNothingInjectedAsync(session);

        using (var admin = host.Api(TestRole.Admin))
        {
            await admin.WaitUntilProjectionsCaughtUpAsync();
        }

        await session.NavigateAsync("#/organizations");
        await Expect(page.Locator(".organization h2").Filter(new() { HasText = ScriptPartner })).ToHaveCountAsync(1);
        await AssertNothingInjectedAsync(session);
        session.AssertHealthy();
    }

    private static async Task AssertNothingInjectedAsync(DashboardSession session)
    {
        Assert.Empty(session.Dialogs);
        await Expect(session.Page.Locator("script")).ToHaveCountAsync(1);
        await Expect(session.Page.Locator("#app img, #app iframe, #app svg:not(.chart), #app b, #app i")).ToHaveCountAsync(0);
    }
}
