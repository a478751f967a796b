using System.Text.Json;
using CooperationLedger.Domain;

namespace CooperationLedger.Api.Timelines;

/// <summary>
/// One ledger entry as an auditor reads it: when it happened and when and by whom it was recorded, what it says (as
/// corrected) and what was recorded (<see cref="Data"/>, as stored), its place in the hash chain, and the corrections
/// linking it both ways.
/// </summary>
/// <param name="PrevHash">The hash of the partnership's previous entry; empty for the first.</param>
public sealed record TimelineItem(
    long Sequence,
    long Version,
    Guid EventId,
    Guid PartnershipId,
    string Type,
    OccurredAt OccurredAt,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    string Summary,
    JsonElement Data,
    Source? Source,
    string Hash,
    string PrevHash,
    Guid? Corrects = null,
    IReadOnlyList<Guid>? CorrectedBy = null)
{
    /// <param name="entry">The entry as recorded.</param>
    /// <param name="described">The timeline's reading of it within its partnership's history.</param>
    /// <param name="dataJson">The data exactly as stored.</param>
    public static TimelineItem Create(Guid partnershipId, RecordedEntry entry, TimelineEntry described, string dataJson, byte[] hash, byte[] prevHash)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(described);
        using var data = JsonDocument.Parse(dataJson);
        return new TimelineItem(
            entry.Sequence,
            entry.Version,
            entry.EventId,
            partnershipId,
            described.Type,
            entry.OccurredAt,
            entry.RecordedAt,
            entry.RecordedBy,
            described.Summary,
            data.RootElement.Clone(),
            entry.Source,
            Convert.ToHexStringLower(hash),
            Convert.ToHexStringLower(prevHash),
            described.Corrects,
            described.CorrectedBy.Count > 0 ? described.CorrectedBy : null);
    }
}

public sealed record PartnershipTimeline(IReadOnlyList<TimelineItem> Items);

/// <param name="Next">The cursor for the following page (<c>after=</c>): the last sequence on this page.</param>
public sealed record TimelinePage(IReadOnlyList<TimelineItem> Items, long? Next);
