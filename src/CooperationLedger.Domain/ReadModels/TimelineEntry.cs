namespace CooperationLedger.Domain;

/// <summary>
/// One ledger entry as people read it. <see cref="Summary"/> describes the data as corrected; <see cref="CorrectedBy"/>
/// marks it as corrected, and a correction names what it <see cref="Corrects"/>.
/// </summary>
public sealed record TimelineEntry(
    Guid EventId,
    long Version,
    string Type,
    OccurredAt OccurredAt,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    Source? Source,
    string Summary,
    Guid? Corrects,
    IReadOnlyList<Guid> CorrectedBy)
{
    public bool IsCorrected => CorrectedBy.Count > 0;
}

public static class Timeline
{
    /// <summary>One entry per recorded event, in version order.</summary>
    public static IReadOnlyList<TimelineEntry> Create(IEnumerable<RecordedEntry> entries) =>
        Create(PartnershipHistory.Of(entries));

    public static IReadOnlyList<TimelineEntry> Create(PartnershipHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var partners = history.Effective.Select(entry => entry.Event).OfType<PartnershipOpened>().FirstOrDefault()?.Partners ?? [];
        return [.. history.Entries.Select(entry =>
        {
            var current = history.FindEffective(entry.EventId) ?? entry;
            return new TimelineEntry(
                entry.EventId,
                entry.Version,
                PartnershipEventCatalog.AliasOf(entry.Event),
                entry.OccurredAt,
                entry.RecordedAt,
                entry.RecordedBy,
                entry.Source,
                EntryDescriptions.Describe(current.Event, partners, history),
                (entry.Event as EntryCorrected)?.EventId,
                history.CorrectedBy.GetValueOrDefault(entry.EventId) ?? []);
        })];
    }
}
