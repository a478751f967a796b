namespace CooperationLedger.EventStore.Projections;

/// <summary>When a projection's fold runs.</summary>
public enum ProjectionMode
{
    /// <summary>In the append's own transaction: a read after a successful append sees it.</summary>
    Inline,

    /// <summary>By the daemon, from the global feed, behind the head by a little.</summary>
    Async,

    /// <summary>On read; nothing is stored.</summary>
    Live,
}

public enum ProjectionState
{
    Running,
    Rebuilding,
    Stopped,
    Failed,
}

/// <summary>What the daemon does when a projection throws on an event. Either way the event is dead-lettered.</summary>
public enum PoisonEventPolicy
{
    /// <summary>The projection stops in state <see cref="ProjectionState.Failed"/> until rebuilt or reset.</summary>
    Stop,

    /// <summary>The event is skipped and the projection goes on.</summary>
    Skip,
}
