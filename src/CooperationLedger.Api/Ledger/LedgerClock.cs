namespace CooperationLedger.Api.Ledger;

public static class LedgerClock
{
    /// <summary>The ledger's calendar day: agreement statuses and stages change at midnight UTC.</summary>
    public static DateOnly Today(this TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
    }
}
