using System.Text;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// Advisory lock keys of the projection engine, apart from the ledger's own (<see cref="LedgerAdvisoryLocks"/>) by
/// their high 32 bits, which <c>pg_locks</c> shows as <c>classid</c>; the low 32 bits (<c>objid</c>) come from the
/// projection's name.
/// </summary>
internal static class ProjectionLocks
{
    /// <summary>"LEDL": held at session level, on its own connection, by the one process leading a projection.</summary>
    public const uint LeaderClassId = 0x4C45_444C;

    /// <summary>"LEDI": taken shared by every append that runs inline projections, exclusively when a rebuild swaps one.</summary>
    public const uint InlineClassId = 0x4C45_4449;

    /// <summary>"LEDS": serialises <see cref="ProjectionEngine.EnsureStorageAsync"/> and rebuild requests across processes.</summary>
    public const long Setup = 0x4C45_4453_0000_0000;

    public static long Leader(string projectionName) => Key(LeaderClassId, projectionName);

    public static long Inline(string projectionName) => Key(InlineClassId, projectionName);

    public static uint ObjectId(string projectionName)
    {
        // FNV-1a: stable across processes and runtimes, unlike string.GetHashCode.
        var hash = 2_166_136_261u;
        foreach (var value in Encoding.UTF8.GetBytes(projectionName))
        {
            hash = unchecked((hash ^ value) * 16_777_619u);
        }

        return hash;
    }

    private static long Key(uint classId, string projectionName) => unchecked((long)(((ulong)classId << 32) | ObjectId(projectionName)));
}
