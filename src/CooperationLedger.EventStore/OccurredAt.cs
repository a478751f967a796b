using System.Globalization;

namespace CooperationLedger.EventStore;

/// <summary>
/// When the recorded fact happened, as the client stated it: either a calendar date or a moment with the
/// offset it was given in. Both round-trip exactly through the store, to the microsecond.
/// </summary>
public readonly record struct OccurredAt
{
    private const long TicksPerMicrosecond = 10;

    private OccurredAt(DateTimeOffset instant, bool isDate, short? offsetMinutes)
    {
        Instant = instant;
        IsDate = isDate;
        OffsetMinutes = offsetMinutes;
    }

    /// <summary>The moment in UTC; midnight UTC of the day when <see cref="IsDate"/>.</summary>
    public DateTimeOffset Instant { get; }

    public bool IsDate { get; }

    /// <summary>The offset the moment was stated in; null for a date.</summary>
    public short? OffsetMinutes { get; }

    public DateOnly Date => DateOnly.FromDateTime(ToDateTimeOffset().DateTime);

    public static OccurredAt OnDate(DateOnly date) =>
        new(new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), isDate: true, offsetMinutes: null);

    /// <summary>A moment, truncated to whole microseconds because that is what PostgreSQL keeps.</summary>
    public static OccurredAt At(DateTimeOffset moment)
    {
        var truncated = moment.AddTicks(-(moment.UtcTicks % TicksPerMicrosecond));
        return new(truncated.ToUniversalTime(), isDate: false, offsetMinutes: checked((short)truncated.Offset.TotalMinutes));
    }

    public DateTimeOffset ToDateTimeOffset() => Instant.ToOffset(TimeSpan.FromMinutes(OffsetMinutes ?? 0));

    public override string ToString() =>
        IsDate
            ? Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture);

    internal long MicrosecondsSinceUnixEpoch => ToMicrosecondsSinceUnixEpoch(Instant.UtcDateTime);

    internal static OccurredAt FromStored(DateTime instantUtc, bool isDate, short? offsetMinutes) =>
        new(new DateTimeOffset(DateTime.SpecifyKind(instantUtc, DateTimeKind.Utc)), isDate, offsetMinutes);

    internal static long ToMicrosecondsSinceUnixEpoch(DateTime utc) =>
        (utc.Ticks - DateTime.UnixEpoch.Ticks) / TicksPerMicrosecond;
}
