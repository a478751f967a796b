namespace CooperationLedger.EventStore;

/// <summary>
/// What an append wrote, or, when <see cref="WasDuplicate"/>, what the earlier append with the same idempotency key wrote.
/// </summary>
public sealed record AppendResult(Guid StreamId, bool WasDuplicate, IReadOnlyList<AppendedEvent> Events)
{
    public long FirstSequence => Events[0].Sequence;

    public long LastSequence => Events[^1].Sequence;

    /// <summary>The stream version after this append's last event.</summary>
    public long LastVersion => Events[^1].Version;
}

public sealed record AppendedEvent(Guid EventId, long Sequence, long Version, byte[] Hash, DateTimeOffset RecordedAt);
