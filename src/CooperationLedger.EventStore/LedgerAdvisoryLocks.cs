namespace CooperationLedger.EventStore;

/// <summary>
/// PostgreSQL advisory lock keys the ledger takes. A bigint key shows in <c>pg_locks</c> as
/// <c>locktype = 'advisory'</c>, <c>classid</c> = its high 32 bits, <c>objid</c> = its low 32 bits, <c>objsubid = 1</c>.
/// </summary>
public static class LedgerAdvisoryLocks
{
    /// <summary>
    /// Taken in shared mode by every append (<c>pg_advisory_xact_lock_shared</c>) until its transaction ends, so
    /// a feed reader can tell whether a hole in the global sequence may still be filled by an append in flight.
    /// </summary>
    public const long Append = 0x4C45_4447_4552_0001;

    /// <summary>Held by the migration runner so that two processes starting together apply each migration once.</summary>
    public const long Migrations = 0x4C45_4447_4552_0002;

    /// <summary>The <c>classid</c> both keys show in <c>pg_locks</c>.</summary>
    public const uint ClassId = 0x4C45_4447;

    /// <summary>The <c>objid</c> an append's lock shows in <c>pg_locks</c>.</summary>
    public const uint AppendObjectId = 0x4552_0001;
}
