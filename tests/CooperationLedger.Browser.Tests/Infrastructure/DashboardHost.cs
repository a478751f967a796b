using System.Net;
using CooperationLedger.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CooperationLedger.Browser.Tests.Infrastructure;

/// <summary>
/// Everything the browser tests share, once per run: a throwaway PostgreSQL cluster, the real API on Kestrel at a free
/// 127.0.0.1 port with the sample data loaded, and Debian's Chromium driven by Playwright.
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(90);

    private readonly PostgresServer postgres = new();
    private LedgerApiFactory? factory;
    private IPlaywright? playwright;
    private bool disposed;

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>A superuser connection to the service's database, for tampering with it behind the ledger's back.</summary>
    public string DatabaseConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium package (.ci/run does).");
        }

        try
        {
            await StartAsync();
        }
        catch
        {
            // A fixture that fails to start is not disposed by the runner: stop what did start, the cluster above all.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        await postgres.InitializeAsync();
        DatabaseConnectionString = await postgres.CreateDatabaseAsync();

        factory = new LedgerApiFactory(DatabaseConnectionString);
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        BaseAddress = new Uri(addresses.Addresses.First(address => address.StartsWith("http://", StringComparison.Ordinal)));
        await WaitUntilReadyAsync();
        using (var admin = Api(TestRole.Admin))
        {
            await WaitForSampleDataAsync(admin);
            await admin.WaitUntilProjectionsCaughtUpAsync();
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public LedgerClient Api(TestRole role) => new(BaseAddress, TestKey.For(role));

    /// <summary>A fresh browser context (its own session storage) with one page on the dashboard's origin.</summary>
    public async Task<DashboardSession> OpenSessionAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(15_000);
        return new DashboardSession(context, await context.NewPageAsync());
    }

    private static async Task WaitForSampleDataAsync(LedgerClient client)
    {
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (true)
        {
            var titles = (await client.PartnershipsAsync()).Select(partnership => partnership!["title"]!.GetValue<string>()).ToHashSet();
            if (SampleData.Titles.All(titles.Contains))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The sample partnerships were not loaded within {StartupTimeout}; the service holds: {string.Join("; ", titles)}.");
            }

            await Task.Delay(250);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        using var deadline = new CancellationTokenSource(StartupTimeout);
        var lastAnswer = "";
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(deadline.Token)}";
            }
            catch (HttpRequestException exception)
            {
                lastAnswer = exception.Message;
            }

            await Task.Delay(250, deadline.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        throw new TimeoutException($"The service at {BaseAddress} was not ready within {StartupTimeout}: {lastAnswer}");
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await postgres.DisposeAsync();
    }
}
