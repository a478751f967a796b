namespace CooperationLedger.EventStore.TamperEvidence;

/// <summary>
/// The outcome of recomputing the hash chain from the stored rows. When broken, <see cref="FirstInvalidSequence"/> is
/// the lowest sequence at which a check fails (null only when a stream's recorded version has no events at all).
/// </summary>
public sealed record VerificationResult(
    bool Valid,
    long EventsChecked,
    long? FirstInvalidSequence = null,
    VerificationFailure? Failure = null,
    string? Reason = null,
    Guid? StreamId = null)
{
    public static VerificationResult Intact(long eventsChecked) => new(Valid: true, eventsChecked);
}

public enum VerificationFailure
{
    /// <summary>The hash recomputed from the row differs from the stored one: some hashed column was edited.</summary>
    HashMismatch = 1,

    /// <summary>Within its stream, the event's version does not follow the previous event's by one: an event is missing or moved.</summary>
    VersionOutOfSequence,

    /// <summary>The event's prev_hash is not the stored hash of the stream's previous event.</summary>
    BrokenLink,

    /// <summary>The stream's recorded version differs from its last event's version: the tail was cut off.</summary>
    StreamVersionMismatch,

    /// <summary>The event belongs to no recorded stream.</summary>
    UnknownStream,

    /// <summary>The stored data or source could not be put in canonical form.</summary>
    UnreadableRow,
}
