using CooperationLedger.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CooperationLedger.Browser.Tests;

public sealed class LayoutTests(DashboardHost host)
{
    [Fact]
    public async Task On_a_phone_every_page_fits_the_screen_width()
    {
        using var reader = host.Api(TestRole.Reader);
        var id = (await reader.PartnershipTitledAsync(SampleData.TitleContaining("Shandong")))["id"]!.GetValue<string>();
        await using var session = await host.OpenSessionAsync(width: 390, height: 844);
        await session.SignInAsync(TestRole.Auditor);

        foreach (var (route, name) in new[] { ("#/", "phone-overview"), ($"#/partnerships/{id}", "phone-partnership"), ($"#/partnerships/{id}/timeline", "phone-timeline"), ("#/organizations", "phone-organizations") })
        {
            await session.NavigateAsync(route);
            await Expect(session.Page.Locator("#app .loading")).ToHaveCountAsync(0);
            await Expect(session.Heading).ToBeVisibleAsync();
            var overflow = await session.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{route} is {overflow}px wider than the phone's screen.");
            await session.ScreenshotAsync(name);
        }

        session.AssertHealthy();
    }

    [Fact]
    public async Task Signing_in_and_moving_between_pages_works_from_the_keyboard_alone()
    {
        await using var session = await host.OpenSessionAsync();
        var page = session.Page;
        await session.OpenAsync();

        await Expect(page.GetByLabel("API key")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(TestKey.For(TestRole.Reader).Key);
        await page.Keyboard.PressAsync("Enter");
        await Expect(session.Heading).ToHaveTextAsync("Overview");
        await Expect(session.Heading).ToBeFocusedAsync();

        await TabUntilFocusedAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Organizations" }), "Shift+Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expect(session.Heading).ToHaveTextAsync("Organizations");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Organizations" })).ToHaveAttributeAsync("aria-current", "page");

        var firstPartnership = page.Locator("article.organization a[href^='#/partnerships/']").First;
        var title = await firstPartnership.TextContentAsync();
        await TabUntilFocusedAsync(page, firstPartnership, "Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expect(session.Heading).ToHaveTextAsync(title!);
        session.AssertHealthy();
    }

    private static async Task TabUntilFocusedAsync(IPage page, ILocator target, string key)
    {
        for (var presses = 0; presses < 60; presses++)
        {
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                return;
            }

            await page.Keyboard.PressAsync(key);
        }

        Assert.Fail($"{key} never reached the element.");
    }
}
