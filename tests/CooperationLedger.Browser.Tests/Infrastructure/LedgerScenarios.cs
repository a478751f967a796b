using System.Globalization;
using System.Text.Json.Nodes;

namespace CooperationLedger.Browser.Tests.Infrastructure;

/// <summary>Partnerships a test records for itself through the API with the writer's key, as any client would.</summary>
public static class LedgerScenarios
{
    public static DateOnly TodayUtc => DateOnly.FromDateTime(DateTime.UtcNow);

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static async Task<string> OpenAsync(
        LedgerClient writer, string title, string partnerName, DateOnly occurredOn, string kind = "enterprise", params string[] aliases)
    {
        var partner = new JsonObject { ["name"] = partnerName, ["kind"] = kind };
        if (aliases.Length > 0)
        {
            partner["aliases"] = new JsonArray([.. aliases.Select(alias => JsonValue.Create(alias))]);
        }

        var body = new JsonObject
        {
            ["title"] = title,
            ["partners"] = new JsonArray(partner),
            ["occurredAt"] = Day(occurredOn),
            ["source"] = new JsonObject { ["kind"] = "minutes", ["title"] = $"Minutes: {title}" },
        };
        return await writer.OpenPartnershipAsync(body.ToJsonString());
    }

    public const string MinutesUrl = "https://minutes.example.org/2024-05-06";

    public static async Task<JsonNode> AppendAsync(
        LedgerClient writer, string partnershipId, string type, DateOnly occurredOn, JsonObject data, JsonObject? source = null)
    {
        var entry = new JsonObject
        {
            ["type"] = type,
            ["occurredAt"] = Day(occurredOn),
            ["data"] = data,
        };
        if (source is not null)
        {
            entry["source"] = source;
        }

        return await writer.AppendAsync(partnershipId, entry.ToJsonString());
    }

    /// <summary>A partnership whose one signed agreement runs until <paramref name="daysFromToday"/> days from today.</summary>
    public static async Task<(string Id, string AgreementId, DateOnly ExpiresOn)> WithAgreementExpiringAsync(
        LedgerClient writer, string title, int daysFromToday)
    {
        var today = TodayUtc;
        var id = await OpenAsync(writer, title, $"Partner of {title}", today.AddDays(-20));
        var agreementId = $"FW-{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}";
        await AppendAsync(writer, id, "agreement-drafted", today.AddDays(-10), new JsonObject
        {
            ["agreementId"] = agreementId,
            ["title"] = $"Framework agreement for {title}",
            ["kind"] = "framework",
            ["areas"] = new JsonArray("executive-education", "joint-research"),
        });
        var expiresOn = today.AddDays(daysFromToday);
        await AppendAsync(writer, id, "agreement-signed", today.AddDays(-5), new JsonObject
        {
            ["agreementId"] = agreementId,
            ["signedOn"] = Day(today.AddDays(-5)),
            ["effectiveFrom"] = Day(today.AddDays(-5)),
            ["expiresOn"] = Day(expiresOn),
            ["signatories"] = new JsonArray(new JsonObject
            {
                ["name"] = "Li Ming",
                ["title"] = "President",
                ["organization"] = $"Partner of {title}",
            }),
        });
        return (id, agreementId, expiresOn);
    }

    /// <summary>A partnership with a note that a later entry corrects.</summary>
    public static async Task<(string Id, string NoteId, string CorrectionId)> WithCorrectedNoteAsync(LedgerClient writer, string title)
    {
        var id = await OpenAsync(writer, title, $"Partner of {title}", new DateOnly(2024, 5, 2));
        var note = await AppendAsync(
            writer, id, "note-added", new DateOnly(2024, 5, 6), new JsonObject { ["text"] = "Return visit planned for 12 May." },
            new JsonObject { ["kind"] = "minutes", ["title"] = "Minutes of the meeting of 6 May", ["url"] = MinutesUrl });
        var noteId = note["events"]![0]!["eventId"]!.GetValue<string>();
        var correction = await AppendAsync(writer, id, "entry-corrected", new DateOnly(2024, 5, 8), new JsonObject
        {
            ["eventId"] = noteId,
            ["reason"] = "The minutes had the wrong day.",
            ["data"] = new JsonObject { ["text"] = "Return visit planned for 14 May." },
        });
        return (id, noteId, correction["events"]![0]!["eventId"]!.GetValue<string>());
    }
}
