using System.Globalization;
using System.Text;
using System.Text.Json;
using CooperationLedger.Domain;

namespace CooperationLedger.Api.Timelines;

/// <summary>
/// A timeline as a CloudEvents 1.0 JSON batch: one event per entry, <c>subject</c> the partnership and <c>time</c>
/// when it occurred. A date has no time, so it becomes midnight UTC and the <c>occurreddate</c> extension keeps the
/// date as recorded. Extension names are lower-case alphanumerics, as the specification requires.
/// </summary>
public static class CloudEventsBatch
{
    public const string MediaType = "application/cloudevents-batch+json";
    public const string TypePrefix = "org.cooperation-ledger.";

    public static string Write(IEnumerable<TimelineItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                WriteEvent(json, item);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteEvent(Utf8JsonWriter json, TimelineItem item)
    {
        json.WriteStartObject();
        json.WriteString("specversion", "1.0");
        json.WriteString("id", item.EventId.ToString());
        json.WriteString("source", $"/partnerships/{item.PartnershipId}");
        json.WriteString("type", TypePrefix + item.Type);
        json.WriteString("subject", item.PartnershipId.ToString());
        json.WriteString("time", Time(item.OccurredAt));
        json.WriteString("datacontenttype", "application/json");
        json.WritePropertyName("data");
        item.Data.WriteTo(json);
        // The sequence extension is a string by its own specification; CloudEvents integers stop at 2^31.
        json.WriteString("sequence", item.Sequence.ToString(CultureInfo.InvariantCulture));
        json.WriteString("recordedat", item.RecordedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture));
        json.WriteString("recordedby", item.RecordedBy);
        json.WriteString("hash", item.Hash);
        if (item.OccurredAt.IsDate)
        {
            json.WriteString("occurreddate", item.OccurredAt.ToString());
        }

        json.WriteEndObject();
    }

    private static string Time(OccurredAt occurredAt) =>
        occurredAt.IsDate
            ? $"{occurredAt.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}T00:00:00Z"
            : occurredAt.ToString();
}
