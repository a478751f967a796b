namespace CooperationLedger.Domain;

/// <summary>A partnership event as the ledger holds it, with its envelope.</summary>
/// <param name="Sequence">Position in the global ledger; breaks ties between entries that occurred at the same time.</param>
/// <param name="Version">Position in the partnership's own stream, starting at 1.</param>
public sealed record RecordedEntry(
    Guid EventId,
    long Sequence,
    long Version,
    OccurredAt OccurredAt,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    Source? Source,
    PartnershipEvent Event);
