namespace CooperationLedger.Domain;

/// <summary>
/// A partnership's entries with corrections applied: the raw entries as recorded, and the effective history (every
/// entry that is not itself a correction, carrying its latest corrected data) in occurred order.
/// </summary>
/// <remarks>
/// A correction carries the complete corrected data of its target, so applying corrections in the order they were
/// recorded makes a second correction of the same entry correct the state left by the first. A correction that does
/// not fit (unknown target, a correction as target, unreadable data) is never accepted by the decider; if one is met
/// anyway it leaves the derived history untouched rather than making the partnership unreadable.
/// </remarks>
public sealed class PartnershipHistory
{
    private readonly Dictionary<Guid, RecordedEntry> entriesById;
    private readonly Dictionary<Guid, RecordedEntry> effectiveById;

    private PartnershipHistory(IReadOnlyList<RecordedEntry> entries)
    {
        Entries = entries;
        entriesById = entries
            .Where(entry => entry.EventId != Guid.Empty)
            .GroupBy(entry => entry.EventId)
            .ToDictionary(group => group.Key, group => group.First());

        var correctedData = new Dictionary<Guid, PartnershipEvent>();
        var correctedBy = new Dictionary<Guid, List<Guid>>();
        foreach (var entry in entries)
        {
            if (entry.Event is EntryCorrected correction && CorrectedData(correction) is { } data)
            {
                correctedData[correction.EventId] = data;
                if (!correctedBy.TryGetValue(correction.EventId, out var corrections))
                {
                    correctedBy[correction.EventId] = corrections = [];
                }

                corrections.Add(entry.EventId);
            }
        }

        CorrectedBy = correctedBy.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<Guid>)pair.Value);
        Effective = [.. entries
            .Where(entry => entry.Event is not EntryCorrected)
            .Select(entry => correctedData.TryGetValue(entry.EventId, out var data) ? entry with { Event = data } : entry)
            .Order(OccurredOrder)];
        effectiveById = Effective
            .Where(entry => entry.EventId != Guid.Empty)
            .GroupBy(entry => entry.EventId)
            .ToDictionary(group => group.Key, group => group.First());
    }

    /// <summary>Occurred order, ties broken by the ledger sequence.</summary>
    public static IComparer<RecordedEntry> OccurredOrder { get; } = Comparer<RecordedEntry>.Create((left, right) =>
    {
        var byOccurrence = left.OccurredAt.CompareTo(right.OccurredAt);
        return byOccurrence != 0 ? byOccurrence : left.Sequence.CompareTo(right.Sequence);
    });

    public static PartnershipHistory Empty { get; } = new([]);

    /// <summary>Every entry as recorded, corrections included, in version order.</summary>
    public IReadOnlyList<RecordedEntry> Entries { get; }

    /// <summary>Every entry that is not a correction, with its corrected data, in occurred order.</summary>
    public IReadOnlyList<RecordedEntry> Effective { get; }

    /// <summary>For each corrected entry, the corrections applied to it, in the order they were recorded.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<Guid>> CorrectedBy { get; }

    public long Version => Entries.Count == 0 ? 0 : Entries[^1].Version;

    public static PartnershipHistory Of(IEnumerable<RecordedEntry> entries) =>
        new([.. entries.OrderBy(entry => entry.Version).ThenBy(entry => entry.Sequence)]);

    public PartnershipHistory Including(RecordedEntry entry) => Of(Entries.Append(entry));

    /// <summary>The entry as originally recorded.</summary>
    public RecordedEntry? Find(Guid eventId) => entriesById.GetValueOrDefault(eventId);

    /// <summary>The entry with its latest corrected data, or null when it is unknown or is itself a correction.</summary>
    public RecordedEntry? FindEffective(Guid eventId) => effectiveById.GetValueOrDefault(eventId);

    private PartnershipEvent? CorrectedData(EntryCorrected correction)
    {
        if (Find(correction.EventId) is not { Event: not EntryCorrected } target)
        {
            return null;
        }

        var read = EventDataReader.Read(PartnershipEventCatalog.AliasOf(target.Event), correction.Data);
        return read.IsValid ? read.Value : null;
    }
}
