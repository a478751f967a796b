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
    private readonly AppendOnlyList<RecordedEntry> entries;
    private readonly AppendOnlyList<RecordedEntry> effective;

    /// <summary>Every entry a correction names, found or not, so that <see cref="FollowsEverything"/> need not look back.</summary>
    private readonly HashSet<Guid> correctionTargets;

    // Built on first use: the usual append needs neither, and copying them made each append cost the whole history.
    private Dictionary<Guid, RecordedEntry>? entriesById;
    private Dictionary<Guid, RecordedEntry>? effectiveById;

    private PartnershipHistory(IReadOnlyList<RecordedEntry> entries)
    {
        this.entries = AppendOnlyList<RecordedEntry>.From(entries);
        MaxSequence = entries.Count == 0 ? 0 : entries.Max(entry => entry.Sequence);
        correctionTargets = [.. entries.Select(entry => entry.Event).OfType<EntryCorrected>().Select(correction => correction.EventId)];

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
        effective = AppendOnlyList<RecordedEntry>.From(entries
            .Where(entry => entry.Event is not EntryCorrected)
            .Select(entry => correctedData.TryGetValue(entry.EventId, out var data) ? entry with { Event = data } : entry)
            .Order(OccurredOrder));
    }

    /// <summary>An entry that <see cref="FollowsEverything"/>: nothing before it changes, so nothing is sorted or folded again.</summary>
    private PartnershipHistory(PartnershipHistory before, RecordedEntry last)
    {
        entries = before.entries.Append(last);
        effective = before.effective.Append(last);
        MaxSequence = Math.Max(before.MaxSequence, last.Sequence);
        correctionTargets = before.correctionTargets;
        CorrectedBy = before.CorrectedBy;
    }

    /// <summary>Occurred order, ties broken by the ledger sequence.</summary>
    public static IComparer<RecordedEntry> OccurredOrder { get; } = Comparer<RecordedEntry>.Create((left, right) =>
    {
        var byOccurrence = left.OccurredAt.CompareTo(right.OccurredAt);
        return byOccurrence != 0 ? byOccurrence : left.Sequence.CompareTo(right.Sequence);
    });

    public static PartnershipHistory Empty { get; } = new([]);

    /// <summary>Every entry as recorded, corrections included, in version order.</summary>
    public IReadOnlyList<RecordedEntry> Entries => entries;

    /// <summary>Every entry that is not a correction, with its corrected data, in occurred order.</summary>
    public IReadOnlyList<RecordedEntry> Effective => effective;

    /// <summary>The highest ledger sequence among the entries; 0 when there are none.</summary>
    public long MaxSequence { get; }

    /// <summary>For each corrected entry, the corrections applied to it, in the order they were recorded.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<Guid>> CorrectedBy { get; }

    public long Version => Entries.Count == 0 ? 0 : Entries[^1].Version;

    public static PartnershipHistory Of(IEnumerable<RecordedEntry> entries) =>
        new([.. entries.OrderBy(entry => entry.Version).ThenBy(entry => entry.Sequence)]);

    public PartnershipHistory Including(RecordedEntry entry) =>
        FollowsEverything(entry) ? new PartnershipHistory(this, entry) : Of(Entries.Append(entry));

    /// <summary>
    /// True when <paramref name="entry"/> comes after every entry both as recorded and as it occurred, and neither
    /// corrects an entry nor is named by a correction: then it only adds to the end of this history. The usual case,
    /// an entry recorded about what just happened.
    /// </summary>
    public bool FollowsEverything(RecordedEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Event is EntryCorrected
            || (Entries.Count > 0 && entry.Version <= Entries[^1].Version)
            || (Effective.Count > 0 && OccurredOrder.Compare(Effective[^1], entry) >= 0))
        {
            return false;
        }

        // A correction recorded before its target is ignored until the target arrives; folding afresh then applies it.
        return !correctionTargets.Contains(entry.EventId);
    }

    /// <summary>The entry as originally recorded.</summary>
    public RecordedEntry? Find(Guid eventId) => LazyInitializer.EnsureInitialized(ref entriesById, () => FirstById(entries)).GetValueOrDefault(eventId);

    /// <summary>The entry with its latest corrected data, or null when it is unknown or is itself a correction.</summary>
    public RecordedEntry? FindEffective(Guid eventId) => LazyInitializer.EnsureInitialized(ref effectiveById, () => FirstById(effective)).GetValueOrDefault(eventId);

    private static Dictionary<Guid, RecordedEntry> FirstById(IEnumerable<RecordedEntry> entries) => entries
        .Where(entry => entry.EventId != Guid.Empty)
        .GroupBy(entry => entry.EventId)
        .ToDictionary(group => group.Key, group => group.First());

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
