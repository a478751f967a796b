using System.Text.Json;

namespace CooperationLedger.Domain.Tests.Support;

/// <summary>
/// Loads <c>samples/cto-school.json</c> the way a client posts it: each opening body and each entry goes through
/// <see cref="CommandReader"/> and <see cref="PartnershipDecider"/>, and must be accepted.
/// </summary>
internal static class SampleLedger
{
    public static readonly DateOnly Today = new(2024, 4, 12);

    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "samples", "cto-school.json");

    public static HomeInstitution Home()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FilePath));
        return document.RootElement.GetProperty("homeInstitution").Deserialize(DomainJsonContext.Default.HomeInstitution)
            ?? throw new InvalidDataException("The sample has no home institution.");
    }

    public static IReadOnlyList<PartnershipStream> Partnerships()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FilePath));
        var partnerships = new List<PartnershipStream>();
        foreach (var partnership in document.RootElement.GetProperty("partnerships").EnumerateArray())
        {
            var opening = Valid(CommandReader.ReadOpening(partnership.GetProperty("open")));
            var scenario = Scenario.Given(opening);
            foreach (var entry in partnership.GetProperty("events").EnumerateArray())
            {
                scenario.And(Valid(CommandReader.ReadEntry(entry)));
            }

            partnerships.Add(new PartnershipStream(PartnershipIdFor(partnerships.Count), scenario.Entries));
        }

        return partnerships;
    }

    public static Guid PartnershipIdFor(int index) => Guid.Parse($"00000000-0000-7000-9000-{index:D12}");

    public static PartnershipStream Titled(this IReadOnlyList<PartnershipStream> partnerships, string titleFragment) =>
        Assert.Single(partnerships, partnership =>
            PartnershipState.From(partnership.Entries).Title.Contains(titleFragment, StringComparison.Ordinal));

    private static Command Valid(ReadResult<Command> read)
    {
        Assert.True(read.IsValid, string.Join("; ", read.Errors.Select(error => $"{error.Key}: {string.Join(" ", error.Value)}")));
        return read.Value;
    }
}
