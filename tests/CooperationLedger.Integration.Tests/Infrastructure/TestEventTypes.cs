using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CooperationLedger.EventStore.Serialization;

namespace CooperationLedger.Integration.Tests.Infrastructure;

public sealed record VisitHeld(string Organisation, int Attendees, string? Notes = null);

public sealed record AgreementSigned(string Title, decimal Value, DateOnly SignedOn);

/// <summary>At schema version 3. Version 1 stored <c>{"name"}</c>; version 2 renamed it <c>officialName</c>; version 3 added <c>shortName</c>.</summary>
public sealed record PartnerRenamed(string OfficialName, string ShortName);

/// <summary>At schema version 2, with no upcaster from version 1: old rows of it cannot be read.</summary>
public sealed record BudgetApproved(decimal Amount);

/// <summary>At schema version 2, with an upcaster from version 1 that refuses rows without a <c>reason</c>.</summary>
public sealed record MeetingCancelled(string Reason);

/// <summary>Never registered.</summary>
public sealed record UnregisteredEvent(string Anything);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(VisitHeld))]
[JsonSerializable(typeof(AgreementSigned))]
[JsonSerializable(typeof(PartnerRenamed))]
[JsonSerializable(typeof(BudgetApproved))]
[JsonSerializable(typeof(MeetingCancelled))]
public sealed partial class TestEventsJsonContext : JsonSerializerContext;

public static class TestEventTypes
{
    public static EventTypeRegistry CreateRegistry() =>
        new EventTypeRegistry()
            .Register("visit-held", TestEventsJsonContext.Default.VisitHeld)
            .Register("agreement-signed", TestEventsJsonContext.Default.AgreementSigned)
            .Register("partner-renamed", TestEventsJsonContext.Default.PartnerRenamed, schemaVersion: 3)
            .AddUpcaster("partner-renamed", fromVersion: 1, RenameField("name", "officialName"))
            .AddUpcaster("partner-renamed", fromVersion: 2, AddShortName)
            .Register("budget-approved", TestEventsJsonContext.Default.BudgetApproved, schemaVersion: 2)
            .Register("meeting-cancelled", TestEventsJsonContext.Default.MeetingCancelled, schemaVersion: 2)
            .AddUpcaster("meeting-cancelled", fromVersion: 1, node => node["reason"] is null ? throw new InvalidOperationException("a version 1 cancellation without a reason") : node);

    private static Func<JsonNode, JsonNode> RenameField(string from, string to) => node =>
    {
        var json = node.AsObject();
        var value = json[from];
        json.Remove(from);
        json[to] = value;
        return json;
    };

    private static JsonNode AddShortName(JsonNode node)
    {
        var json = node.AsObject();
        json["shortName"] = json["officialName"]!.GetValue<string>().Split(' ')[0];
        return json;
    }
}
