namespace CooperationLedger.EventStore;

/// <summary>Who records an append and how it relates to other work; shared by every event of one append.</summary>
public sealed record AppendMetadata(string RecordedBy)
{
    public Guid? CorrelationId { get; init; }

    public Guid? CausationId { get; init; }

    /// <summary>
    /// A retry carrying a key already used on the same stream returns the original append's result and writes nothing.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}
