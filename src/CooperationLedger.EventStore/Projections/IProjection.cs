namespace CooperationLedger.EventStore.Projections;

/// <summary>A projection: a pure fold from events to a read model, declared once and stored by the engine.</summary>
public interface IProjection
{
    /// <summary>Stable kebab-case, such as <c>partnership-summaries</c>; it names the checkpoint and the tables.</summary>
    string Name { get; }

    ProjectionMode Mode { get; }

    PoisonEventPolicy OnPoisonEvent { get; }

    /// <summary>
    /// The version of the read model's tables and meaning. Raise it when they change: on start the engine then drops
    /// the tables stored under the old version and fills new ones from the first event.
    /// </summary>
    int Version => 1;

    /// <summary>
    /// Whether <see cref="ApplyAsync"/> reads the events' data or source. When false, the pages of the feed read for it
    /// (by the daemon, and by rebuilds) leave out those two, which are most of an event's bytes, and reading them from
    /// such an event throws.
    /// </summary>
    bool ReadsEventData => true;

    /// <summary>Creates the tables of one generation (rebuilds write a fresh generation, then swap).</summary>
    Task CreateStorageAsync(ProjectionContext context, CancellationToken cancellationToken);

    /// <summary>Applies events, in global sequence order, inside <see cref="ProjectionContext.Transaction"/>, writing into the context's generation tables.</summary>
    Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken);
}
