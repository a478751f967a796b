using CooperationLedger.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CooperationLedger.Browser.Tests;

public sealed class SignInTests(DashboardHost host)
{
    [Fact]
    public async Task Signed_out_the_page_shows_only_the_sign_in_form_and_fetches_no_data()
    {
        await using var session = await host.OpenSessionAsync();

        foreach (var route in new[] { "#/", "#/organizations", "#/partnerships/00000000-0000-0000-0000-000000000000/timeline" })
        {
            await session.OpenAsync(route);
            await Expect(session.SignInForm).ToBeVisibleAsync();
            await Expect(session.Page.Locator("#app")).ToBeHiddenAsync();
            await Expect(session.Page.Locator("#site-nav")).ToBeHiddenAsync();
            await Expect(session.Page.Locator("#session")).ToBeHiddenAsync();
        }

        await session.ScreenshotAsync("sign-in");
        Assert.Empty(session.ApiRequests);
        session.AssertHealthy();
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_a_message_and_not_kept()
    {
        await using var session = await host.OpenSessionAsync();
        await session.OpenAsync();

        await session.Page.GetByLabel("API key").FillAsync("not-a-key-anyone-was-given");
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(session.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not accepted");
        await Expect(session.Page.Locator("#app")).ToBeHiddenAsync();
        Assert.Null(await session.StoredKeyAsync());
        Assert.Equal(["/api/me"], session.ApiRequests);
        session.AssertHealthy();
    }

    [Fact]
    public async Task Signing_in_shows_the_key_name_and_roles_survives_a_reload_and_signing_out_forgets_the_key()
    {
        await using var session = await host.OpenSessionAsync();
        var auditor = TestKey.For(TestRole.Auditor);

        await session.SignInAsync(TestRole.Auditor);
        await Expect(session.SignedInAs).ToContainTextAsync(auditor.RoleName);
        await Expect(session.Heading).ToHaveTextAsync("Overview");
        Assert.Equal(auditor.Key, await session.StoredKeyAsync());

        await session.Page.ReloadAsync();
        await Expect(session.SignedInAs).ToContainTextAsync(auditor.Name);

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(session.SignInForm).ToBeVisibleAsync();
        await Expect(session.Page.Locator("#app")).ToBeHiddenAsync();
        Assert.Null(await session.StoredKeyAsync());

        await session.Page.ReloadAsync();
        await Expect(session.SignInForm).ToBeVisibleAsync();
        await Expect(session.Page.Locator("#app")).ToBeHiddenAsync();
        session.AssertHealthy();
    }

    [Fact]
    public async Task A_key_revoked_while_the_tab_is_open_sends_the_user_back_to_sign_in()
    {
        using var admin = host.Api(TestRole.Admin);
        var created = await admin.PostAsync("/api/keys", """{ "name": "Visiting reviewer", "roles": ["reader"] }""");
        await using var session = await host.OpenSessionAsync();
        await session.SignInWithAsync(created["key"]!.GetValue<string>(), "Visiting reviewer");
        await Expect(session.Heading).ToHaveTextAsync("Overview");

        await admin.DeleteAsync($"/api/keys/{created["id"]}");
        await session.NavigateAsync("#/organizations");

        await Expect(session.SignInForm).ToBeVisibleAsync();
        await Expect(session.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Sign in again");
        await Expect(session.Page.Locator("#app")).ToBeHiddenAsync();
        Assert.Null(await session.StoredKeyAsync());
        session.AssertHealthy();
    }

    [Fact]
    public async Task The_page_is_served_with_a_policy_that_allows_no_inline_or_foreign_script()
    {
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html.Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }
}
