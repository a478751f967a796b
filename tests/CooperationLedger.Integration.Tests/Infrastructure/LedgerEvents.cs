using CooperationLedger.EventStore;

namespace CooperationLedger.Integration.Tests.Infrastructure;

/// <summary>Shorthands for building appends in tests.</summary>
public static class LedgerEvents
{
    public const string PartnershipStream = "partnership";

    public static readonly AppendMetadata Recorder = new("tests@ledger");

    public static NewEvent Visit(string organisation = "Museum of Maps", int attendees = 12) =>
        new(new VisitHeld(organisation, attendees), OccurredAt.OnDate(new DateOnly(2024, 3, 14)));

    public static IReadOnlyList<NewEvent> Visits(int count, string organisation = "Museum of Maps") =>
        Enumerable.Range(1, count).Select(attendees => Visit(organisation, attendees)).ToList();
}
