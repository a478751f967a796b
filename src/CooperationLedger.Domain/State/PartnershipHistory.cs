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
    // Null in a tail (see Tail), which keeps only what deciding an entry that follows everything reads.
    private readonly AppendOnlyList<RecordedEntry>? entries;
    private readonly AppendOnlyList<RecordedEntry>? effective;
    private readonly RecordedEntry? lastRecorded;
    private readonly RecordedEntry? lastEffective;

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
        lastRecorded = entries.Count == 0 ? null : entries[^1];
        lastEffective = effective.Count == 0 ? null : effective[^1];
    }

    /// <summary>An entry that <see cref="FollowsEverything"/>: nothing before it changes, so nothing is sorted or folded again.</summary>
    private PartnershipHistory(PartnershipHistory before, RecordedEntry last)
    {
        entries = before.entries?.Append(last);
        effective = before.effective?.Append(last);
        lastRecorded = last;
        lastEffective = last;
        MaxSequence = Math.Max(before.MaxSequence, last.Sequence);
        correctionTargets = before.correctionTargets;
        CorrectedBy = before.CorrectedBy;
    }

    private PartnershipHistory(
        RecordedEntry? lastRecorded, RecordedEntry? lastEffective, long maxSequence, HashSet<Guid> correctionTargets, IReadOnlyDictionary<Guid, IReadOnlyList<Guid>> correctedBy)
    {
        this.lastRecorded = lastRecorded;
        this.lastEffective = lastEffective;
        MaxSequence = maxSequence;
        this.correctionTargets = correctionTargets;
        CorrectedBy = correctedBy;
    }

    /// <summary>Occurred order, ties broken by the ledger sequence.</summary>
    public static IComparer<RecordedEntry> OccurredOrder { get; } = Comparer<RecordedEntry>.Create((left, right) =>
    {
        var byOccurrence = left.OccurredAt.CompareTo(right.OccurredAt);
        return byOccurrence != 0 ? byOccurrence : left.Sequence.CompareTo(right.Sequence);
    });

    public static PartnershipHistory Empty { get; } = new([]);

    /// <summary>Every entry as recorded, corrections included, in version order.</summary>
    /// <exception cref="InvalidOperationException">This is a <see cref="Tail"/>.</exception>
    public IReadOnlyList<RecordedEntry> Entries => entries ?? throw NotWhole();

    /// <summary>Every entry that is not a correction, with its corrected data, in occurred order.</summary>
    /// <exception cref="InvalidOperationException">This is a <see cref="Tail"/>.</exception>
    public IReadOnlyList<RecordedEntry> Effective => effective ?? throw NotWhole();

    /// <summary>False for a <see cref="Tail"/> and what it became by entries that followed everything.</summary>
    public bool IsWhole => entries is not null;

    /// <summary>The highest ledger sequence among the entries; 0 when there are none.</summary>
    public long MaxSequence { get; }

    /// <summary>For each corrected entry, the corrections applied to it, in the order they were recorded.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<Guid>> CorrectedBy { get; }

    public long Version => lastRecorded?.Version ?? 0;

    public static PartnershipHistory Of(IEnumerable<RecordedEntry> entries) =>
        new([.. entries.OrderBy(entry => entry.Version).ThenBy(entry => entry.Sequence)]);

    /// <exception cref="InvalidOperationException">This is a <see cref="Tail"/> and the entry does not follow everything.</exception>
    public PartnershipHistory Including(RecordedEntry entry) =>
        FollowsEverything(entry) ? new PartnershipHistory(this, entry) : Of(Entries.Append(entry));

    /// <summary>
    /// What deciding and including an entry that <see cref="FollowsEverything"/> reads, and nothing of the entries
    /// before the last: a partnership remembered between appends must not keep its whole history, which grows with
    /// every entry. Anything that needs more (a late entry, a correction, the entries themselves) throws.
    /// </summary>
    public PartnershipHistory Tail() =>
        IsWhole ? new PartnershipHistory(lastRecorded, lastEffective, MaxSequence, correctionTargets, CorrectedBy) : this;

    /// <summary>
    /// True when <paramref name="entry"/> comes after every entry both as recorded and as it occurred, and neither
    /// corrects an entry nor is named by a correction: then it only adds to the end of this history. The usual case,
    /// an entry recorded about what just happened.
    /// </summary>
    public bool FollowsEverything(RecordedEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Event is EntryCorrected
            || (lastRecorded is not null && entry.Version <= lastRecorded.Version)
            || (lastEffective is not null && OccurredOrder.Compare(lastEffective, entry) >= 0))
        {
            return false;
        }

        // A correction recorded before its target is ignored until the target arrives; folding afresh then applies it.
        return !correctionTargets.Contains(entry.EventId);
    }

    /// <summary>The entry as originally recorded.</summary>
    public RecordedEntry? Find(Guid eventId) => LazyInitializer.EnsureInitialized(ref entriesById, () => FirstById(Entries)).GetValueOrDefault(eventId);

    /// <summary>The entry with its latest corrected data, or null when it is unknown or is itself a correction.</summary>
    public RecordedEntry? FindEffective(Guid eventId) => LazyInitializer.EnsureInitialized(ref effectiveById, () => FirstById(Effective)).GetValueOrDefault(eventId);

    private static InvalidOperationException NotWhole() =>
        new("This history is a tail: it keeps only what deciding an entry that follows everything needs. Read the partnership's whole history for anything else.");

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
