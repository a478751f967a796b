namespace CooperationLedger.EventStore;

/// <summary>The stream was not at the expected version; nothing was written.</summary>
public sealed class ConcurrencyException(Guid streamId, long expected, long actual, Exception? innerException = null)
    : Exception($"Stream {streamId} was expected at version {expected} but is at version {actual}; nothing was written.", innerException)
{
    public Guid StreamId { get; } = streamId;

    public long Expected { get; } = expected;

    public long Actual { get; } = actual;
}

/// <summary>A stream was started with an id that already exists; nothing was written.</summary>
public sealed class StreamAlreadyExistsException(Guid streamId, Exception? innerException = null)
    : Exception($"Stream {streamId} already exists; nothing was written.", innerException)
{
    public Guid StreamId { get; } = streamId;
}

/// <summary>An append named a different stream type than the stream was started with; nothing was written.</summary>
public sealed class StreamTypeMismatchException(Guid streamId, string requestedType, Exception? innerException = null)
    : Exception($"Stream {streamId} is not a '{requestedType}' stream; nothing was written.", innerException)
{
    public Guid StreamId { get; } = streamId;

    public string RequestedType { get; } = requestedType;
}

/// <summary>A stored event that cannot be turned back into an object. Never skipped: reading stops here.</summary>
public sealed class UnreadableEventException(long sequence, string reason, Exception? innerException = null)
    : Exception($"The event at sequence {sequence} cannot be read: {reason}", innerException)
{
    public long Sequence { get; } = sequence;

    public string Reason { get; } = reason;
}

/// <summary>An append carried an object whose CLR type has no alias in the registry; nothing was sent to the database.</summary>
public sealed class UnregisteredEventTypeException(Type clrType)
    : Exception($"{clrType.FullName} is not registered in the event type registry, so it has no stable alias to be stored under.")
{
    public Type ClrType { get; } = clrType;
}
