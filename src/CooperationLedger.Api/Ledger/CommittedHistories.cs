using System.Collections.Concurrent;
using CooperationLedger.Domain;

namespace CooperationLedger.Api.Ledger;

/// <summary>
/// The latest committed history of each partnership this process has read or written, so that deciding an append
/// need not read back what the process has just seen. The ledger is append-only, so the entries up to a version
/// never change: a remembered history is exact at its version, and an append decided on it is guarded by that
/// version. Only histories known to be committed are remembered.
/// </summary>
public sealed class CommittedHistories
{
    /// <summary>Past this many partnerships the memory starts over; it is an optimisation, never the truth.</summary>
    private const int Capacity = 20_000;

    private readonly ConcurrentDictionary<Guid, IReadOnlyList<RecordedEntry>> latest = new();

    /// <summary>The newest history remembered, which another process may have moved past.</summary>
    public IReadOnlyList<RecordedEntry>? Latest(Guid partnershipId) => latest.GetValueOrDefault(partnershipId);

    /// <param name="history">Every entry of the partnership up to its last, in version order, all committed.</param>
    public void Remember(Guid partnershipId, IReadOnlyList<RecordedEntry> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
        {
            return;
        }

        if (latest.Count >= Capacity && !latest.ContainsKey(partnershipId))
        {
            latest.Clear();
        }

        latest.AddOrUpdate(partnershipId, history, (_, known) => known[^1].Version >= history[^1].Version ? known : history);
    }
}
