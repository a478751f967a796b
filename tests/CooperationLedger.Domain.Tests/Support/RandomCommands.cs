using System.Globalization;
using System.Text.Json;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Support;

/// <summary>
/// Random but plausible commands from a seeded <see cref="Random"/>: dates mostly moving forward through the spring
/// of 2024, a quarter of them anywhere in it (recorded late), a few out of range; a handful of agreement ids;
/// corrections of random entries.
/// </summary>
internal sealed class RandomCommands(Random random)
{
    private DateOnly cursor = new(2024, 1, 1);

    private static readonly DateOnly FirstDay = new(2024, 1, 1);
    private static readonly DateOnly LastDay = new(2024, 6, 2);
    private static readonly string[] AgreementIds = ["A", "B", "C"];

    public Command Next(IReadOnlyList<RecordedEntry> recorded)
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 2 => Open(When(), "Random partnership", Jiading),
            < 17 => Visit(When(), Pick<VisitDirection>(), Pick(["Chen Xin", "Han Shenghao", "He Jiaxun"]), "Dean", "CTO School"),
            < 22 => Consensus(When(), Pick<ConsensusLevel>(), Pick<CooperationArea>()),
            < 28 => Intention(When(), Pick<CooperationArea>(), Pick<CooperationArea>()),
            < 38 => Draft(Pick(AgreementIds), When(), "Agreement", Pick<CooperationArea>()),
            < 48 => Signing(),
            < 53 => Milestone(When(), "Milestone", random.Next(2) == 0 ? null : Pick(AgreementIds)),
            < 59 => Renew(Pick(AgreementIds), When(), DayText(LastDay.AddDays(random.Next(-60, 700)))),
            < 64 => Terminate(Pick(AgreementIds), When()),
            < 68 => Suspend(When()),
            < 74 => Resume(When()),
            < 75 => Close(When()),
            < 81 => Note(When(), $"Note {random.Next(1000)}"),
            < 82 => Note(When(), " "),
            < 87 => AttachedSource(When()),
            _ => Correction(recorded),
        };
    }

    private SignAgreement Signing()
    {
        var signedOn = When(dateOnly: true);
        var effectiveFrom = Day(signedOn).AddDays(random.Next(-10, 60));
        string? expiresOn = random.Next(10) < 3 ? null : DayText(effectiveFrom.AddDays(random.Next(-5, 400)));
        return Sign(Pick(AgreementIds), signedOn, DayText(effectiveFrom), expiresOn);
    }

    private Command Correction(IReadOnlyList<RecordedEntry> recorded)
    {
        if (recorded.Count == 0)
        {
            return Correct(Scenario.EventIdFor(1), Note(When()).Data);
        }

        var target = recorded[random.Next(recorded.Count)];
        if (random.Next(20) == 0)
        {
            return Correct(Scenario.EventIdFor(random.Next(5000, 9000)), Note(When()).Data);
        }

        if (random.Next(10) == 0)
        {
            return CorrectWithJson(target.EventId, """{"unexpected":true}""", When());
        }

        for (var attempt = 0; attempt < 50; attempt++)
        {
            var candidate = Next([]);
            if (candidate.Payload.GetType() == target.Event.GetType() && candidate is not CorrectEntry)
            {
                return new CorrectEntry(new EntryCorrected(target.EventId, "Random correction", Json(candidate.Payload)), On(When()));
            }
        }

        return new CorrectEntry(new EntryCorrected(target.EventId, "Same data again", JsonOf(target.Event)), On(When()));
    }

    private static JsonElement JsonOf(PartnershipEvent @event) => @event is EntryCorrected correction ? correction.Data : Json(@event);

    private string When(bool dateOnly = false)
    {
        var roll = random.Next(100);
        if (roll == 0)
        {
            return "1899-06-01";
        }

        if (roll == 1)
        {
            return "2024-06-09";
        }

        var day = roll < 25
            ? FirstDay.AddDays(random.Next(LastDay.DayNumber - FirstDay.DayNumber + 1))
            : cursor = cursor.AddDays(random.Next(0, 5)) is var next && next > LastDay ? LastDay : next;
        return dateOnly || roll % 3 == 0
            ? DayText(day)
            : $"{DayText(day)}T{random.Next(0, 12):D2}:{random.Next(60):D2}:00+08:00";
    }

    private T Pick<T>() where T : struct, Enum
    {
        var values = Enum.GetValues<T>();
        return values[random.Next(values.Length)];
    }

    private string Pick(string[] values) => values[random.Next(values.Length)];

    private static string DayText(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
