namespace CooperationLedger.EventStore;

/// <summary>An event to append: a registered event object, when it happened, and where that is known from.</summary>
public sealed record NewEvent(object Data, OccurredAt OccurredAt, EventSource? Source = null)
{
    /// <summary>Leave null to get a fresh version 7 UUID.</summary>
    public Guid? EventId { get; init; }
}
