namespace CooperationLedger.EventStore.Projections;

/// <summary>How the engine paces itself. The defaults suit a service; tests shorten the intervals.</summary>
public sealed record ProjectionEngineOptions
{
    /// <summary>Events per transaction when the daemon follows the feed.</summary>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>Events per transaction while a rebuild fills a new generation.</summary>
    public int RebuildBatchSize { get; init; } = 5_000;

    /// <summary>
    /// How often the daemon looks at the head of the feed (the sequence and the append lock: one cheap round trip)
    /// while a leader that has caught up waits for more and no notification wakes it sooner. This bounds how stale an
    /// idle async projection gets. A leader about to apply a batch has the head looked at once, whatever this is.
    /// </summary>
    public TimeSpan FeedPollInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How often a leader reads its checkpoint again to notice requests made by other processes (rebuild, stop,
    /// resume), and how often a process that leads nothing to follow looks for work.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How soon the daemon looks again while appends that may fill a hole are still in flight.</summary>
    public TimeSpan InFlightPollInterval { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// The shortest time between the starts of two batches of one async projection that did not fill a page: under a
    /// steady stream of appends the daemon then applies one batch of many events instead of many of a few, which cost
    /// nearly as much each (docs/benchmarks.md, session 7). The first events after a quiet spell wait for none of it,
    /// and a reader waiting for a position (<see cref="ProjectionEngine.WaitForNonStaleAsync"/>) cuts it short.
    /// </summary>
    public TimeSpan MinimumBatchInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a process that does not lead a projection tries to take it over.</summary>
    public TimeSpan LeadershipRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a generation replaced by a rebuild is kept, so that readers still holding its name finish.</summary>
    public TimeSpan RetiredGenerationGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="ProjectionEngine.ActiveTable"/> trusts its cached generation before asking the database again.</summary>
    public TimeSpan ActiveGenerationCacheDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether appends through the engine also <c>pg_notify</c> the daemons, which wakes them without waiting for
    /// <see cref="FeedPollInterval"/>. Off by default: PostgreSQL serialises the commits of notifying transactions on
    /// one lock, which measurably slowed concurrent appends (docs/benchmarks.md), and a 20 ms poll costs less.
    /// </summary>
    public bool NotifyOnAppend { get; init; }

    /// <summary>
    /// How many round trips of planned appends may be under way at once. Planned appends that arrive while they are
    /// wait and go together in the next one (docs/projections.md, "Combined planned appends").
    /// </summary>
    public int PlannedAppendsInFlight { get; init; } = 1;

    /// <summary>The most planned appends one round trip combines.</summary>
    public int PlannedAppendGroupSize { get; init; } = 64;

    /// <summary>How long the daemon waits before retrying after an error that is not the projection's fault (a lost connection).</summary>
    public TimeSpan ErrorRetryInterval { get; init; } = TimeSpan.FromSeconds(1);
}
