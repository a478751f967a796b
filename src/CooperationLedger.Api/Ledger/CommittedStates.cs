using System.Collections.Concurrent;
using CooperationLedger.Domain;

namespace CooperationLedger.Api.Ledger;

/// <summary>
/// The latest committed state of each partnership this process has read or written (with its history), so that
/// deciding an append need neither read back nor fold again what the process has just seen. The ledger is
/// append-only, so the entries up to a version never change: a remembered state is exact at its version, and an
/// append decided on it is guarded by that version. Only states known to be committed are remembered.
/// </summary>
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

        latest.AddOrUpdate(partnershipId, state, (_, known) => known.Version >= state.Version ? known : state);
    }
}
