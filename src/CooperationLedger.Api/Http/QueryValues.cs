using System.Globalization;
using System.Text.RegularExpressions;
using CooperationLedger.Domain;

namespace CooperationLedger.Api.Http;

/// <summary>
/// Parses query parameters, collecting an error per bad parameter so that one 400 names all of them. Endpoints
/// take them as strings because the framework's own binding would answer a bad number with a 400 that says nothing.
/// </summary>
public sealed partial class QueryValues
{
    private readonly Dictionary<string, string[]> errors = new(StringComparer.Ordinal);

    public bool HasErrors => errors.Count > 0;

    public IDictionary<string, string[]> Errors => errors;

    public int? Integer(string name, string? value, int minimum, int maximum)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= minimum && number <= maximum)
        {
            return number;
        }

        errors[name] = [$"Must be a whole number from {minimum} to {maximum}."];
        return null;
    }

    public long? Sequence(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        errors[name] = ["Must be a ledger sequence number (a whole number, 0 or more)."];
        return null;
    }

    public DateOnly? Date(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors[name] = ["Must be a calendar date such as 2024-04-01."];
        return null;
    }

    /// <summary>An instant needs its offset: a moment written without one means different moments in different places.</summary>
    public DateTimeOffset? Instant(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (InstantShape().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant;
        }

        errors[name] = ["Must be an instant with its UTC offset, such as 2024-04-10T12:00:00Z or 2024-04-10T20:00:00+08:00."];
        return null;
    }

    public TEnum? StableName<TEnum>(string name, string? value) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (StableNames.TryParse<TEnum>(value, out var parsed))
        {
            return parsed;
        }

        errors[name] = [$"Must be one of: {string.Join(", ", StableNames.All<TEnum>())}."];
        return null;
    }

    public void Add(string name, string message) => errors[name] = [message];

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex InstantShape();
}
