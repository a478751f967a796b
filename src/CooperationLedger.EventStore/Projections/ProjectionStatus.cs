namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// Where a projection stands. <paramref name="Position"/> is the last global sequence it has applied (for live
/// projections, always the head); <paramref name="LagSeconds"/> is how long ago the oldest event it has not applied
/// was recorded, 0 when it is caught up.
/// </summary>
public sealed record ProjectionStatus(
    string Name,
    ProjectionMode Mode,
    ProjectionState State,
    long Position,
    long HeadSequence,
    long LagEvents,
    double LagSeconds,
    string? LastError,
    RebuildProgress? Rebuild);

/// <summary>A rebuild under way: events applied to the new generation out of those in the feed when it was measured.</summary>
public sealed record RebuildProgress(long EventsDone, long EventsTotal, double EventsPerSecond, TimeSpan? EstimatedRemaining);
