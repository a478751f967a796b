namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// Decides the safe high-water mark of the global sequence: the highest sequence below which no event can still
/// appear. Fed observations taken in this order: first the last sequence value issued (L), then the set (I) of
/// transactions holding the shared append lock. Every value at or below L was drawn by an append that took the lock
/// before L was read; one that is not in I has ended. So L is safe once every member of I has been seen gone.
/// </summary>
/// <remarks>Not thread-safe: one poller feeds it.</remarks>
internal sealed class SafeSequenceTracker
{
    /// <summary>Beyond this many waiting candidates the newest ones are merged, which only makes waiting stricter.</summary>
    private const int MaximumCandidates = 64;

    private readonly List<Candidate> candidates = [];

    public long Safe { get; private set; }

    /// <summary>True while some appends seen in flight may still fill holes above <see cref="Safe"/>.</summary>
    public bool IsWaitingForAppends => candidates.Count > 0;

    /// <param name="lastIssued">The sequence's last issued value, read before <paramref name="appendsInFlight"/>.</param>
    /// <param name="appendsInFlight">The virtual transaction ids holding the append lock, read after <paramref name="lastIssued"/>.</param>
    /// <returns>The safe mark after this observation; it never decreases.</returns>
    public long Observe(long lastIssued, IReadOnlyCollection<string> appendsInFlight)
    {
        for (var index = candidates.Count - 1; index >= 0; index--)
        {
            if (!candidates[index].InFlight.Overlaps(appendsInFlight))
            {
                Safe = Math.Max(Safe, candidates[index].LastIssued);
                candidates.RemoveRange(0, index + 1);
                break;
            }
        }

        if (appendsInFlight.Count == 0)
        {
            Safe = Math.Max(Safe, lastIssued);
            candidates.Clear();
        }
        else if (lastIssued > Safe && (candidates.Count == 0 || candidates[^1].LastIssued < lastIssued))
        {
            if (candidates.Count >= MaximumCandidates)
            {
                candidates[^1].InFlight.UnionWith(appendsInFlight);
                candidates[^1] = candidates[^1] with { LastIssued = lastIssued };
            }
            else
            {
                candidates.Add(new Candidate(lastIssued, [.. appendsInFlight]));
            }
        }

        return Safe;
    }

    /// <summary>
    /// Moves the mark over a run of committed sequences just above it: a visible event can no longer change, so such
    /// a run needs no wait for appends still in flight (those hold higher sequences, or are waited for at the first
    /// hole). This keeps one slow append from holding back the events below its own.
    /// </summary>
    /// <param name="committedThrough">The end of a run of committed sequences that starts at or below <see cref="Safe"/> + 1.</param>
    public long AdvanceThroughCommitted(long committedThrough)
    {
        Safe = Math.Max(Safe, committedThrough);
        var passed = candidates.FindLastIndex(candidate => candidate.LastIssued <= Safe);
        if (passed >= 0)
        {
            candidates.RemoveRange(0, passed + 1);
        }

        return Safe;
    }

    private sealed record Candidate(long LastIssued, HashSet<string> InFlight);
}
