using CooperationLedger.Api.Ledger;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;

namespace CooperationLedger.Api.Partnerships;

/// <summary>A partnership's summary at another time, folded live from the stream (nothing stored).</summary>
public sealed class PartnershipTimeTravel(LedgerEventStore store)
{
    private static readonly string[] CorrectionTypes =
        [.. PartnershipEventCatalog.All.Where(eventType => eventType.Type == typeof(EntryCorrected)).Select(eventType => eventType.Alias)];

    /// <summary>
    /// What the ledger knew at <paramref name="instant"/>: only entries recorded by then, summarised for that day.
    /// Null when the partnership had not been recorded yet.
    /// </summary>
    public async Task<PartnershipSummary?> AsKnownAtAsync(Guid partnershipId, DateTimeOffset instant, CancellationToken cancellationToken)
    {
        var recorded = await store.ReadStreamAsOfRecordedAsync(partnershipId, instant, cancellationToken);
        return recorded.Count == 0
            ? null
            : PartnershipSummary.Create(partnershipId, LedgerEntries.ToEntries(recorded), DateOnly.FromDateTime(instant.UtcDateTime));
    }

    /// <summary>
    /// What was true on <paramref name="day"/> given everything known now: the entries that occurred by then, however
    /// late they were recorded, each with every correction known now (a correction fixes what happened, whenever it
    /// is made). Null when nothing had happened yet.
    /// </summary>
    public async Task<PartnershipSummary?> AsTrueOnAsync(Guid partnershipId, DateOnly day, CancellationToken cancellationToken)
    {
        var recorded = await store.ReadStreamAsOfOccurredAsync(partnershipId, day, CorrectionTypes, cancellationToken);
        var entries = LedgerEntries.ToEntries(recorded);
        return entries.Any(entry => entry.Event is not EntryCorrected)
            ? PartnershipSummary.Create(partnershipId, entries, day)
            : null;
    }
}
