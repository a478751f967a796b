namespace CooperationLedger.EventStore;

/// <summary>A stream's row: its type, how many events it has, and when it was created and last appended to.</summary>
public sealed record StreamState(Guid StreamId, string Type, long Version, DateTimeOffset Created, DateTimeOffset Updated, bool Archived);
