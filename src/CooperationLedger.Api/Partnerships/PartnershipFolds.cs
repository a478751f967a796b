using System.Collections.Concurrent;
using CooperationLedger.Api.Ledger;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using OccurredAt = CooperationLedger.Domain.OccurredAt;

namespace CooperationLedger.Api.Partnerships;

/// <summary>
/// A partnership folded up to <see cref="Version"/>: the state, the hash of the last event folded, and the latest
/// occurred time among the entries folded.
/// </summary>
/// <param name="State">Folded without its history (which <see cref="PartnershipState.From(PartnershipHistory)"/>
/// would carry), so that remembering many partnerships stays small; its <c>Version</c> is therefore 0.</param>
public sealed record PartnershipFold(Guid PartnershipId, PartnershipState State, long Version, byte[] LastHash, OccurredAt Latest)
{
    /// <summary>The fold of a whole stream, in version order, as the domain defines it (corrections applied, occurred order).</summary>
    public static PartnershipFold Of(IReadOnlyList<RecordedEvent> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var history = PartnershipHistory.Of(LedgerEntries.ToEntries(stream));
        return new PartnershipFold(
            stream[^1].StreamId,
            history.Effective.Aggregate(PartnershipState.Empty, PartnershipState.Evolve),
            stream[^1].Version,
            stream[^1].Hash,
            history.Effective[^1].OccurredAt);
    }

    /// <summary>
    /// This fold one event further, or null when that takes the whole history: the event does not follow this fold's
    /// last one (the hash chain says so, whatever a rolled-back transaction left behind), it is a correction, or it
    /// happened before something already folded and so belongs in the middle.
    /// </summary>
    public static PartnershipFold? Continue(PartnershipFold? previous, RecordedEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return recorded.Version == 1 || (previous is not null && previous.LastHash.AsSpan().SequenceEqual(recorded.PrevHash))
            ? Continue(previous, recorded.StreamId, LedgerEntries.ToEntry(recorded), recorded.Hash)
            : null;
    }

    /// <summary>
    /// This fold moved by an entry not stored yet, whose hash is therefore unknown (empty); null as for a stored one.
    /// Only the entry's occurred time and data matter to the fold.
    /// </summary>
    public static PartnershipFold? Continue(PartnershipFold? previous, Guid partnershipId, long version, PartnershipEvent @event, OccurredAt occurredAt) =>
        Continue(previous, partnershipId, new RecordedEntry(Guid.Empty, 0, version, occurredAt, default, "", null, @event), []);

    private static PartnershipFold? Continue(PartnershipFold? previous, Guid partnershipId, RecordedEntry entry, byte[] hash)
    {
        if (entry.Version == 1)
        {
            return new PartnershipFold(partnershipId, PartnershipState.Evolve(PartnershipState.Empty, entry), 1, hash, entry.OccurredAt);
        }

        return previous is not null
            && previous.Version == entry.Version - 1
            && entry.Event is not EntryCorrected
            && entry.OccurredAt.CompareTo(previous.Latest) >= 0
                ? new PartnershipFold(partnershipId, PartnershipState.Evolve(previous.State, entry), entry.Version, hash, entry.OccurredAt)
                : null;
    }
}

/// <summary>
/// The folds a projection reached, per generation, so that an entry recorded in occurred order costs one step of the
/// fold rather than reading and folding the partnership's whole history again. Whatever is remembered is checked
/// against the hash chain before use, so a fold left by a transaction that rolled back is never built on.
/// </summary>
public sealed class PartnershipFolds
{
    /// <summary>Past this many partnerships the memory starts over; it saves reads, it is never the truth.</summary>
    private const int Capacity = 100_000;

    private readonly ConcurrentDictionary<(long Generation, Guid PartnershipId), PartnershipFold> folds = new();

    /// <summary>The fold of <paramref name="partnershipId"/> remembered for <paramref name="generation"/>, to be checked against the hash chain before use.</summary>
    public PartnershipFold? Find(long generation, Guid partnershipId) => folds.GetValueOrDefault((generation, partnershipId));

    /// <summary>Remembers a fold known to be committed, unless one further along is remembered already.</summary>
    public void RememberCommitted(long generation, PartnershipFold fold)
    {
        ArgumentNullException.ThrowIfNull(fold);
        if (folds.Count >= Capacity)
        {
            folds.Clear();
        }

        folds.AddOrUpdate((generation, fold.PartnershipId), fold, (_, known) => known.Version > fold.Version ? known : fold);
    }

    /// <summary>The partnerships <paramref name="events"/> change, each folded through its last event in the batch.</summary>
    public async Task<IReadOnlyCollection<PartnershipFold>> AdvanceAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var touched = new Dictionary<Guid, PartnershipFold>();
        var toRefold = new HashSet<Guid>();
        foreach (var recorded in events)
        {
            if (recorded.Data is not PartnershipEvent || toRefold.Contains(recorded.StreamId))
            {
                continue;
            }

            var previous = touched.GetValueOrDefault(recorded.StreamId) ?? folds.GetValueOrDefault((context.Generation, recorded.StreamId));
            if (PartnershipFold.Continue(previous, recorded) is { } next)
            {
                touched[recorded.StreamId] = next;
            }
            else
            {
                toRefold.Add(recorded.StreamId);
            }
        }

        if (toRefold.Count > 0)
        {
            var streams = await context.ReadStreamsAsync(toRefold, events[^1].Sequence, cancellationToken);
            foreach (var stream in streams.GroupBy(recorded => recorded.StreamId))
            {
                touched[stream.Key] = PartnershipFold.Of([.. stream]);
            }
        }

        if (folds.Count + touched.Count > Capacity)
        {
            folds.Clear();
        }

        foreach (var (partnershipId, fold) in touched)
        {
            folds[(context.Generation, partnershipId)] = fold;
        }

        return touched.Values;
    }
}
