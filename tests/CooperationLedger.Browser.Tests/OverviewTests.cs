using System.Text.Json.Nodes;
using CooperationLedger.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CooperationLedger.Browser.Tests;

public sealed class OverviewTests(DashboardHost host)
{
    public static TheoryData<string, string> SampleStages() => new()
    {
        { "Jiading", "consensus" },
        { "Shandong", "intention" },
        { "Wujing", "intention" },
    };

    [Theory]
    [MemberData(nameof(SampleStages))]
    public async Task Each_sample_partnership_is_on_the_overview_in_its_stage(string titleFragment, string expectedStage)
    {
        using var reader = host.Api(TestRole.Reader);
        var title = SampleData.TitleContaining(titleFragment);
        var summary = await reader.PartnershipTitledAsync(title);
        Assert.Equal(expectedStage, summary["stage"]!.GetValue<string>());
        await using var session = await host.OpenSessionAsync();

        await session.SignInAsync(TestRole.Reader);

        var row = session.Page.Locator($"table[data-table=partnerships] tr[data-partnership-id='{summary["id"]}']");
        await Expect(row.Locator("th")).ToHaveTextAsync(title);
        await Expect(row.Locator(".stage-cell .badge")).ToHaveAttributeAsync("data-stage", expectedStage);
        await Expect(row.Locator(".stage-cell")).ToHaveTextAsync(Capitalized(expectedStage));
        if (titleFragment == "Jiading")
        {
            await session.ScreenshotAsync("overview");
        }

        session.AssertHealthy();
    }

    [Fact]
    public async Task The_pipeline_chart_draws_each_stage_and_partner_kind_as_the_pipeline_counts_them()
    {
        using var reader = host.Api(TestRole.Reader);
        await using var session = await host.OpenSessionAsync();
        await session.SignInAsync(TestRole.Reader);
        await Expect(session.Page.Locator("svg.chart g.stage-row").First).ToBeVisibleAsync();
        var pipeline = await reader.GetJsonAsync("/api/pipeline?days=90");

        var byStage = pipeline["byStage"]!.AsArray().ToDictionary(row => row!["stage"]!.GetValue<string>(), row => row!["count"]!.GetValue<int>());
        Assert.Contains("consensus", byStage.Keys);
        Assert.Contains("intention", byStage.Keys);
        foreach (var stage in byStage.Keys)
        {
            await Expect(session.Page.Locator($"svg.chart g.stage-row[data-stage='{stage}']")).ToHaveCountAsync(1);
        }

        foreach (var stageRow in await session.Page.Locator("svg.chart g.stage-row").AllAsync())
        {
            var stage = (await stageRow.GetAttributeAsync("data-stage"))!;
            await Expect(stageRow.Locator("text.stage-count")).ToHaveTextAsync(byStage.GetValueOrDefault(stage).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var cell in pipeline["byStageAndPartnerKind"]!.AsArray())
        {
            var segment = session.Page.Locator($"svg.chart g.stage-row[data-stage='{cell!["stage"]}'] g.segment[data-kind='{cell["partnerKind"]}']");
            await Expect(segment).ToHaveAttributeAsync("data-count", cell["count"]!.ToJsonString());
            await Expect(session.Page.Locator($".pipeline-chart table tr[data-stage='{cell["stage"]}']")).ToContainTextAsync(cell["count"]!.ToJsonString());
        }

        session.AssertHealthy();
    }

    [Fact]
    public async Task Search_finds_the_home_institution_under_each_of_its_names_and_a_partnership_under_a_partner_alias()
    {
        await using var session = await host.OpenSessionAsync();
        await session.SignInAsync(TestRole.Reader);
        var search = session.Page.GetByRole(AriaRole.Searchbox);
        var organizationResults = session.Page.Locator("[data-results=organizations] .organization-name");

        foreach (var name in SampleData.HomeAliases.Prepend(SampleData.HomeName))
        {
            await search.FillAsync(name);
            await search.PressAsync("Enter");
            await Expect(organizationResults).ToHaveTextAsync([SampleData.HomeName]);
        }

        await session.ScreenshotAsync("overview-search");
        var jiading = SampleData.TitleContaining("Jiading");
        foreach (var alias in SampleData.PartnerAliases("Jiading"))
        {
            await search.FillAsync(alias);
            await search.PressAsync("Enter");
            await Expect(session.Page.Locator("[data-results=partnerships] a")).ToHaveTextAsync([jiading]);
        }

        session.AssertHealthy();
    }

    [Fact]
    public async Task Stale_partnerships_follow_the_chosen_number_of_days_and_expiring_agreements_are_listed()
    {
        using var writer = host.Api(TestRole.Writer);
        using var reader = host.Api(TestRole.Reader);
        var title = "Executive education with Expiry Test Ltd";
        var (_, agreementId, expiresOn) = await LedgerScenarios.WithAgreementExpiringAsync(writer, title, daysFromToday: 30);
        var staleAfterYear = await reader.PartnershipsAsync("?staleDays=365");
        Assert.NotEmpty(staleAfterYear);
        await using var session = await host.OpenSessionAsync();

        await session.SignInAsync(TestRole.Reader);

        var expiringRow = session.Page.Locator($"table[data-table=expiring] tr[data-agreement-id='{agreementId}']");
        await Expect(expiringRow).ToContainTextAsync(LedgerScenarios.Day(expiresOn));
        await Expect(expiringRow).ToContainTextAsync(title);
        // Counted from the day the page was drawn, which is not the day the agreement was set up if midnight UTC fell between.
        var daysLeft = expiresOn.DayNumber - DateOnly.FromDateTime(DateTime.UtcNow).DayNumber;
        await Expect(expiringRow.Locator("td.number")).ToHaveTextAsync(daysLeft.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var staleDays = session.Page.GetByLabel("No activity for at least (days)");
        await staleDays.FillAsync("365");
        await staleDays.PressAsync("Enter");
        await Expect(session.Page.Locator("[data-results=stale] > li > a")).ToHaveTextAsync(
            [.. staleAfterYear.Select(partnership => partnership!["title"]!.GetValue<string>())]);

        await staleDays.FillAsync("20000");
        await staleDays.PressAsync("Enter");
        await Expect(session.Page.Locator("[data-results=stale]")).ToHaveCountAsync(0);
        await Expect(session.Page.GetByText("No partnership has been quiet for 20000 days.")).ToBeVisibleAsync();
        session.AssertHealthy();
    }

    private static string Capitalized(string stage) => char.ToUpperInvariant(stage[0]) + stage[1..];
}
