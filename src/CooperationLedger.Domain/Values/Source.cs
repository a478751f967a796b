namespace CooperationLedger.Domain;

/// <summary>Where a ledger entry's facts come from: an article, minutes, a signed document, a photo.</summary>
public sealed record Source(SourceKind Kind, string Title, string? Url = null, DateOnly? PublishedOn = null);
