using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace CooperationLedger.Domain;

/// <summary>
/// When something happened, as precisely as it is known: either a whole day (<c>2024-03-21</c>, "the morning of March 21st")
/// or a date-time with its UTC offset (<c>2024-03-21T09:30:00+08:00</c>). It remembers which of the two it is and
/// writes itself back in that form.
/// </summary>
/// <remarks>
/// Occurred order compares, in turn: the calendar day (a date-time's day in its own offset, i.e. the day the people
/// there would name); then a whole-day date before any date-time of that day, because a date only says "some time that
/// day" and placing it at the day's start keeps the order total and transitive; then the instant; then the offset.
/// Two values compare equal only when they are equal, so equal ties are left to the ledger sequence.
/// </remarks>
[JsonConverter(typeof(OccurredAtJsonConverter))]
public readonly partial struct OccurredAt : IEquatable<OccurredAt>, IComparable<OccurredAt>
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFzzz";

    private readonly DateTimeOffset moment;

    private OccurredAt(DateTimeOffset moment, bool isDate)
    {
        this.moment = moment;
        IsDate = isDate;
    }

    /// <summary>True when only the day is known.</summary>
    public bool IsDate { get; }

    /// <summary>The instant to store: for a date, midnight at offset zero of that day; otherwise the date-time itself.</summary>
    public DateTimeOffset Instant => moment;

    /// <summary>The calendar day, for a date-time the day in its own offset.</summary>
    public DateOnly Day => DateOnly.FromDateTime(moment.DateTime);

    public static OccurredAt OnDate(DateOnly day) =>
        new(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), isDate: true);

    /// <remarks>Truncated to whole microseconds, the precision PostgreSQL keeps, so a value survives the store unchanged.</remarks>
    public static OccurredAt At(DateTimeOffset dateTime) =>
        new(dateTime.AddTicks(-(dateTime.UtcTicks % TimeSpan.TicksPerMicrosecond)), isDate: false);

    /// <summary>Rebuilds a value from the two stored columns (<see cref="Instant"/> and <see cref="IsDate"/>).</summary>
    public static OccurredAt FromStorage(DateTimeOffset instant, bool isDate) =>
        isDate ? OnDate(DateOnly.FromDateTime(instant.UtcDateTime)) : At(instant);

    public static OccurredAt Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    public static bool TryParse(string? text, out OccurredAt value) => TryParse(text, out value, out _);

    public static bool TryParse(string? text, out OccurredAt value, out string error)
    {
        value = default;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "A date such as 2024-03-21 or a date-time with offset such as 2024-03-21T09:30:00+08:00 is required.";
            return false;
        }

        if (DateShape().IsMatch(text))
        {
            if (DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                value = OnDate(day);
                return true;
            }

            error = $"'{text}' is not a real calendar date.";
            return false;
        }

        if (DateTimeWithOffsetShape().Match(text) is { Success: true } dateTimeShape)
        {
            if (dateTimeShape.Groups["fraction"].Length > 6)
            {
                error = $"'{text}' is more precise than the ledger keeps: give at most six decimals of a second.";
                return false;
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dateTime))
            {
                value = At(dateTime);
                return true;
            }

            error = $"'{text}' is not a real calendar date and time.";
            return false;
        }

        error = DateTimeWithoutOffsetShape().IsMatch(text)
            ? $"'{text}' has no UTC offset: add one (for example {text}+08:00 or {text}Z), or give only the date."
            : $"'{text}' is neither a date such as 2024-03-21 nor a date-time with offset such as 2024-03-21T09:30:00+08:00.";
        return false;
    }

    public override string ToString() => IsDate
        ? Day.ToString(DateFormat, CultureInfo.InvariantCulture)
        : moment.ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    public int CompareTo(OccurredAt other)
    {
        var byDay = Day.CompareTo(other.Day);
        if (byDay != 0)
        {
            return byDay;
        }

        var byPrecision = other.IsDate.CompareTo(IsDate);
        if (byPrecision != 0)
        {
            return byPrecision;
        }

        var byInstant = moment.UtcDateTime.CompareTo(other.moment.UtcDateTime);
        return byInstant != 0 ? byInstant : moment.Offset.CompareTo(other.moment.Offset);
    }

    public bool Equals(OccurredAt other) =>
        IsDate == other.IsDate && moment.UtcDateTime == other.moment.UtcDateTime && moment.Offset == other.moment.Offset;

    public override bool Equals(object? obj) => obj is OccurredAt other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(IsDate, moment.UtcDateTime, moment.Offset);

    public static bool operator ==(OccurredAt left, OccurredAt right) => left.Equals(right);

    public static bool operator !=(OccurredAt left, OccurredAt right) => !left.Equals(right);

    public static bool operator <(OccurredAt left, OccurredAt right) => left.CompareTo(right) < 0;

    public static bool operator <=(OccurredAt left, OccurredAt right) => left.CompareTo(right) <= 0;

    public static bool operator >(OccurredAt left, OccurredAt right) => left.CompareTo(right) > 0;

    public static bool operator >=(OccurredAt left, OccurredAt right) => left.CompareTo(right) >= 0;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DateShape();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.(?<fraction>\d+))?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimeWithOffsetShape();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")]
    private static partial Regex DateTimeWithoutOffsetShape();
}
