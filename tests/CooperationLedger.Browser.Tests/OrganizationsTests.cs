using CooperationLedger.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace CooperationLedger.Browser.Tests;

public sealed class OrganizationsTests(DashboardHost host)
{
    [Fact]
    public async Task The_directory_shows_each_organization_once_with_its_aliases_people_and_the_titles_they_held()
    {
        using var reader = host.Api(TestRole.Reader);
        using (var admin = host.Api(TestRole.Admin))
        {
            await admin.WaitUntilProjectionsCaughtUpAsync();
        }

        var directory = await reader.GetJsonAsync("/api/organizations");
        var organizations = (directory["organizations"] ?? directory["items"] ?? directory).AsArray();
        var home = Assert.Single(organizations, organization => organization!["name"]!.GetValue<string>() == SampleData.HomeName)!;
        await using var session = await host.OpenSessionAsync();

        await session.SignInAsync(TestRole.Reader, "#/organizations");

        await Expect(session.Page.Locator("article.organization")).ToHaveCountAsync(organizations.Count);
        var card = session.Page.Locator("article.organization").Filter(new() { Has = session.Page.GetByRole(Microsoft.Playwright.AriaRole.Heading, new() { Name = SampleData.HomeName }) });
        await Expect(card.Locator(".aliases-list li")).ToHaveTextAsync([.. home["aliases"]!.AsArray().Select(alias => alias!.GetValue<string>())]);
        foreach (var alias in SampleData.HomeAliases)
        {
            await Expect(card.Locator(".aliases-list")).ToContainTextAsync(alias);
        }

        var people = home["people"]!.AsArray();
        Assert.Contains(people, person => person!["titles"]!.AsArray().Count > 1);
        foreach (var person in people)
        {
            var row = card.Locator($"tr[data-person='{person!["name"]}']");
            await Expect(row.Locator(".titles li strong")).ToHaveTextAsync([.. person["titles"]!.AsArray().Select(title => title!["title"]!.GetValue<string>())]);
        }

        await session.ScreenshotAsync("organizations");
        session.AssertHealthy();
    }
}
