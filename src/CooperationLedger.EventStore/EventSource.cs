namespace CooperationLedger.EventStore;

/// <summary>Where a recorded fact comes from: a press release, a minute, an agreement, a web page.</summary>
public sealed record EventSource(string Kind, string Title, Uri? Url = null, DateOnly? PublishedOn = null);
