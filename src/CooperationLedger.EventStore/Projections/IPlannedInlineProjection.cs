using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// An inline projection that can write its rows for an append in the append's own round trip: it plans them from the
/// events about to be appended and what it has folded before, and the engine sends the plan, the append and a check
/// of the plan's premises as one batch in one implicit transaction, together with concurrent planned appends to other
/// streams (docs/projections.md, "Planned inline appends").
/// When it cannot plan (an entry that needs the stream's history, nothing folded yet), or the database refuses the
/// premises, the engine appends the usual way and calls <see cref="IProjection.ApplyAsync"/>.
/// </summary>
public interface IPlannedInlineProjection : IProjection
{
    /// <summary>What this projection will write for the planned append, or null when it cannot say.</summary>
    InlineAppendPlan? Plan(PlannedAppend append);

    /// <summary>
    /// The statements that write what <paramref name="plans"/> planned. They are plans this projection made, for the
    /// same generation, for appends to distinct streams that commit together: one append, or a group the engine
    /// combined (docs/projections.md, "Combined planned appends"). The statements run after the appends, in their
    /// implicit transaction; their results are not read. They must not change the session (no <c>SET</c>,
    /// <c>LISTEN</c>, session locks): the engine may skip the reset of the connection they ran on.
    /// </summary>
    IEnumerable<NpgsqlBatchCommand> Write(IReadOnlyList<InlineAppendPlan> plans);
}

/// <summary>
/// An append the engine is about to make, as far as it is known before the database assigns sequences, hashes and
/// the recorded time: the stream, the version it will follow and the events with their ids.
/// </summary>
public sealed class PlannedAppend
{
    private readonly string projectionName;

    internal PlannedAppend(string projectionName, long generation, Guid streamId, string streamType, long previousVersion, IReadOnlyList<NewEvent> events, IReadOnlyList<Guid> eventIds, AppendMetadata metadata)
    {
        this.projectionName = projectionName;
        Generation = generation;
        StreamId = streamId;
        StreamType = streamType;
        PreviousVersion = previousVersion;
        Events = events;
        EventIds = eventIds;
        Metadata = metadata;
    }

    /// <summary>The generation whose tables the plan writes.</summary>
    public long Generation { get; }

    public Guid StreamId { get; }

    public string StreamType { get; }

    /// <summary>The version the stream is at before the append (0: the append starts it); the append happens only then.</summary>
    public long PreviousVersion { get; }

    public IReadOnlyList<NewEvent> Events { get; }

    /// <summary>The id each of <see cref="Events"/> will be stored under.</summary>
    public IReadOnlyList<Guid> EventIds { get; }

    public AppendMetadata Metadata { get; }

    /// <summary>The schema-qualified name of table <paramref name="baseName"/> in <see cref="Generation"/>, as <see cref="ProjectionContext.TableName"/>.</summary>
    public string TableName(string baseName) => ProjectionContext.QualifiedTableName(projectionName, baseName, Generation);
}

/// <summary>
/// What a <see cref="IPlannedInlineProjection"/> will write for one append, and what it built that on. A projection
/// derives its own plan type, carrying its rows, and receives its plans back in <see cref="IPlannedInlineProjection.Write"/>.
/// </summary>
/// <param name="BuiltOnHash">The hash of the stream's event at <see cref="PlannedAppend.PreviousVersion"/> that the
/// plan folded on, which the database confirms before anything is written; null when the plan does not depend on it.</param>
/// <param name="Committed">Called once the append has committed, with its result (to remember the new fold).
/// It must not throw: the append has been stored by then, and its caller would take an exception for a failure.</param>
public abstract record InlineAppendPlan(byte[]? BuiltOnHash, Action<AppendResult>? Committed = null);
