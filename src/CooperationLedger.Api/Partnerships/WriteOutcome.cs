using CooperationLedger.Domain;
using CooperationLedger.EventStore;

namespace CooperationLedger.Api.Partnerships;

/// <summary>Who writes, and the key that makes a retry of the same write harmless.</summary>
public sealed record Recording(string RecordedBy, string? IdempotencyKey = null);

/// <summary>What became of a write to the ledger. The hierarchy is closed; each case maps to one HTTP answer.</summary>
public abstract record WriteOutcome
{
    private protected WriteOutcome()
    {
    }
}

/// <summary>The body cannot be read: malformed fields, an unknown type, a missing or unparseable date.</summary>
public sealed record InvalidInput(IDictionary<string, string[]> Errors) : WriteOutcome;

public sealed record PartnershipNotFound(Guid PartnershipId) : WriteOutcome;

/// <param name="EntryIndex">Which entry of a batch was refused; null for a single entry.</param>
public sealed record RuleBroken(Rejection Rejection, int? EntryIndex) : WriteOutcome;

/// <summary>The client's If-Match named a version the partnership has moved on from; nothing was written.</summary>
public sealed record VersionMoved(long Expected, long Actual) : WriteOutcome;

/// <summary>Other writers kept changing the partnership between reading and appending, every attempt; nothing was written.</summary>
public sealed record KeptConflicting(int Attempts) : WriteOutcome;

/// <summary>
/// The Idempotency-Key was used before for a request other than this one, so answering as it did would tell the client
/// that entries were stored which were not; nothing was written.
/// </summary>
/// <param name="ByAnotherClient">Another API key used it on this partnership; else this client sent other entries under it.</param>
public sealed record KeyReused(string IdempotencyKey, bool ByAnotherClient) : WriteOutcome;

/// <param name="WasRetry">An earlier request with the same Idempotency-Key opened it; nothing was written now.</param>
public sealed record Opened(Guid PartnershipId, PartnershipSummary Summary, bool WasRetry) : WriteOutcome
{
    public long Version => Summary.Version;
}

/// <param name="WasRetry">An earlier request with the same Idempotency-Key appended these; nothing was written now.</param>
public sealed record Appended(Guid PartnershipId, IReadOnlyList<AppendedEvent> Events, bool WasRetry) : WriteOutcome
{
    public long Version => Events[^1].Version;
}
