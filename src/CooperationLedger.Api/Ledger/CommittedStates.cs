using System.Collections.Concurrent;
using CooperationLedger.Domain;

namespace CooperationLedger.Api.Ledger;

/// <summary>
/// The latest committed state of each partnership this process has read or written, so that deciding an append need
/// neither read back nor fold again what the process has just seen. The ledger is append-only, so the entries up to a
/// version never change: a remembered state is exact at its version, and an append decided on it is guarded by that
/// version. Only states known to be committed are remembered.
/// </summary>
/// <remarks>
/// A state is remembered with only the tail of its history (<see cref="PartnershipState.WithHistoryTail"/>), enough to
/// decide an entry that follows everything, the usual one. Whole histories made the memory grow by every entry
/// appended (about 2 KB each, 900 MB after a minute of appends) and the collector's work with it; a late entry or a
/// correction reads the partnership's history from the store.
/// </remarks>
public sealed class CommittedStates
{
    /// <summary>Past this many partnerships the memory starts over; it is an optimisation, never the truth.</summary>
    private const int Capacity = 20_000;

    private readonly ConcurrentDictionary<Guid, PartnershipState> latest = new();

    /// <summary>The newest state remembered, which another process may have moved past.</summary>
    public PartnershipState? Latest(Guid partnershipId) => latest.GetValueOrDefault(partnershipId);

    /// <param name="state">The partnership with every entry up to its last, all committed.</param>
    public void Remember(Guid partnershipId, PartnershipState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Version == 0)
        {
            return;
        }

        if (latest.Count >= Capacity && !latest.ContainsKey(partnershipId))
        {
            latest.Clear();
        }

        var tail = state.WithHistoryTail();
        latest.AddOrUpdate(partnershipId, tail, (_, known) => known.Version >= tail.Version ? known : tail);
    }
}
