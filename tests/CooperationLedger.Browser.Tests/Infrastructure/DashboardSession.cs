using System.Collections.Concurrent;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CooperationLedger.Browser.Tests.Infrastructure;

/// <summary>One browser tab on the dashboard, recording every dialog, script error and request the page makes.</summary>
public sealed class DashboardSession : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly ConcurrentQueue<string> dialogs = new();
    private readonly ConcurrentQueue<string> pageErrors = new();
    private readonly ConcurrentQueue<string> requests = new();

    public DashboardSession(IBrowserContext context, IPage page)
    {
        this.context = context;
        Page = page;
        page.Dialog += (_, dialog) =>
        {
            dialogs.Enqueue($"{dialog.Type}: {dialog.Message}");
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => pageErrors.Enqueue(error);
        page.Request += (_, request) => requests.Enqueue(request.Url);
    }

    public IPage Page { get; }

    /// <summary>Every alert, confirm or prompt the page opened; a script smuggled in through data would show here.</summary>
    public IReadOnlyCollection<string> Dialogs => dialogs;

    public IReadOnlyCollection<string> PageErrors => pageErrors;

    /// <summary>Paths of the API requests the page made (not the page's own files).</summary>
    public IReadOnlyList<string> ApiRequests =>
        [.. requests.Select(url => new Uri(url)).Where(uri => uri.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal)).Select(uri => uri.PathAndQuery)];

    public ILocator SignInForm => Page.Locator("#sign-in-form");

    public ILocator SignedInAs => Page.Locator("#signed-in-as");

    public ILocator Heading => Page.Locator("#app h1");

    public async Task OpenAsync(string route = "#/") => await Page.GotoAsync($"/{route}");

    /// <summary>Moves within the page, as following a link does, keeping the signed-in tab.</summary>
    public async Task NavigateAsync(string route) => await Page.EvaluateAsync("route => { window.location.hash = route; }", route);

    public async Task SignInAsync(TestRole role, string route = "#/")
    {
        var key = TestKey.For(role);
        await SignInWithAsync(key.Key, key.Name, route);
    }

    public async Task SignInWithAsync(string key, string expectedName, string route = "#/")
    {
        await OpenAsync(route);
        await Page.GetByLabel("API key").FillAsync(key);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(SignedInAs).ToContainTextAsync(expectedName);
    }

    public Task<string?> StoredKeyAsync() =>
        Page.EvaluateAsync<string?>("() => sessionStorage.getItem('cooperation-ledger.api-key')");

    /// <summary>Saves a full-page screenshot under <c>TestResults/screenshots/</c> and attaches it to the test result.</summary>
    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(RepositoryPaths.Screenshots);
        var path = Path.Combine(RepositoryPaths.Screenshots, $"{name}.png");
        var image = await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.AddAttachment($"{name}.png", image, "image/png");
    }

    /// <summary>
    /// Fails on any uncaught script error the page had (a broken page can still look half right) and on any request
    /// that left the service's origin: the dashboard must work offline, with nothing from a CDN.
    /// </summary>
    public void AssertHealthy()
    {
        Assert.Empty(pageErrors);
        var origin = new Uri(Page.Url).GetLeftPart(UriPartial.Authority);
        Assert.All(requests, url => Assert.True(
            url.StartsWith(origin + "/", StringComparison.Ordinal) || url.StartsWith("blob:", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal),
            $"The page requested {url}, outside {origin}."));
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
