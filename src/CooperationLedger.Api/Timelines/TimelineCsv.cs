using System.Globalization;
using System.Text;
using System.Text.Json;
using CooperationLedger.Domain;

namespace CooperationLedger.Api.Timelines;

/// <summary>
/// A timeline as RFC 4180 CSV: a header row, then one row per entry, CRLF line ends, and quotes where a field needs
/// them. A cell that a spreadsheet would run as a formula (starting with = + - @, tab or CR) is prefixed with an
/// apostrophe, since titles and notes are free text from whoever writes to the ledger.
/// </summary>
public static class TimelineCsv
{
    public const string MediaType = "text/csv";

    private static readonly string[] Header =
    [
        "sequence", "version", "eventId", "partnershipId", "type", "occurredAt", "recordedAt", "recordedBy",
        "summary", "data", "source", "hash", "prevHash", "corrects", "correctedBy",
    ];

    public static string Write(IEnumerable<TimelineItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var csv = new StringBuilder();
        AppendRow(csv, Header);
        foreach (var item in items)
        {
            AppendRow(csv,
            [
                item.Sequence.ToString(CultureInfo.InvariantCulture),
                item.Version.ToString(CultureInfo.InvariantCulture),
                item.EventId.ToString(),
                item.PartnershipId.ToString(),
                item.Type,
                item.OccurredAt.ToString(),
                item.RecordedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture),
                item.RecordedBy,
                item.Summary,
                item.Data.GetRawText(),
                item.Source is { } source ? JsonSerializer.Serialize(source, DomainJsonContext.Default.Source) : "",
                item.Hash,
                item.PrevHash,
                item.Corrects?.ToString() ?? "",
                string.Join(' ', item.CorrectedBy ?? []),
            ]);
        }

        return csv.ToString();
    }

    /// <summary>One field as it goes in a row: made inert for spreadsheets, then quoted if it has to be.</summary>
    public static string Field(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var inert = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        return inert.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? $"\"{inert.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : inert;
    }

    private static void AppendRow(StringBuilder csv, IEnumerable<string> fields)
    {
        csv.AppendJoin(',', fields.Select(Field));
        csv.Append("\r\n");
    }
}
