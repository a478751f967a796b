namespace CooperationLedger.EventStore;

/// <summary>The SQLSTATE codes the ledger's schema raises.</summary>
public static class LedgerSqlStates
{
    public const string VersionConflict = "LD001";
    public const string StreamAlreadyExists = "LD002";
    public const string StreamTypeMismatch = "LD003";
    public const string InvalidAppend = "LD004";

    /// <summary>A planned inline append refused: an inline projection's generation changed after it was planned.</summary>
    public const string InlinePlanGenerationMoved = "LD005";

    /// <summary>A planned inline append refused: the event it was planned on is not the one stored.</summary>
    public const string InlinePlanBuiltOnOtherEvent = "LD006";

    /// <summary>
    /// A group of single events refused as a whole (ledger.append_single_events): a stream moved on, is missing or has
    /// another type, or a plan's event is not stored. Appended one by one, each append learns which and why.
    /// </summary>
    public const string SingleEventsGroupRefused = "LD007";

    /// <summary>An UPDATE, DELETE or TRUNCATE refused because the ledger is append-only.</summary>
    public const string AppendOnlyViolation = "LD010";
}
