using System.Text.Json.Nodes;

namespace CooperationLedger.Browser.Tests.Infrastructure;

/// <summary>What <c>samples/cto-school.json</c> says, read from the file the service loads.</summary>
public static class SampleData
{
    private static readonly Lazy<JsonNode> Document = new(() => JsonNode.Parse(File.ReadAllText(RepositoryPaths.SampleData))!);

    public static string HomeName => Document.Value["homeInstitution"]!["name"]!.GetValue<string>();

    public static IReadOnlyList<string> HomeAliases =>
        [.. Document.Value["homeInstitution"]!["aliases"]!.AsArray().Select(alias => alias!.GetValue<string>())];

    public static IReadOnlyList<string> Titles =>
        [.. Document.Value["partnerships"]!.AsArray().Select(partnership => partnership!["open"]!["title"]!.GetValue<string>())];

    public static string TitleContaining(string fragment) => Assert.Single(Titles, title => title.Contains(fragment, StringComparison.Ordinal));

    /// <summary>The aliases the sample gives the partner of the partnership whose title contains <paramref name="fragment"/>.</summary>
    public static IReadOnlyList<string> PartnerAliases(string fragment) =>
    [
        .. Document.Value["partnerships"]!.AsArray()
            .Single(partnership => partnership!["open"]!["title"]!.GetValue<string>().Contains(fragment, StringComparison.Ordinal))!
            ["open"]!["partners"]!.AsArray()
            .SelectMany(partner => partner!["aliases"]?.AsArray() ?? [])
            .Select(alias => alias!.GetValue<string>()),
    ];
}
