namespace CooperationLedger.EventStore.Projections;

/// <summary>An event a projection threw on, with the error; kept whether the projection then stopped or skipped it.</summary>
public sealed record DeadLetter(string Projection, long Generation, long Sequence, Guid EventId, string EventType, string Error, DateTimeOffset At);

/// <summary>The projection stopped on a poison event; waiting for it to move on would be waiting for nothing.</summary>
public sealed class ProjectionFailedException(string name, long position, string? lastError)
    : Exception($"Projection '{name}' has failed at position {position}: {lastError}")
{
    public string Name { get; } = name;

    public long Position { get; } = position;

    public string? LastError { get; } = lastError;
}
