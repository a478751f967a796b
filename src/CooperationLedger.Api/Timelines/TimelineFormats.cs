using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CooperationLedger.Api.Timelines;

/// <summary>Picks a timeline's representation from the Accept header: JSON, CSV or a CloudEvents batch.</summary>
public static class TimelineFormats
{
    public static string Negotiate(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var accepted = MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var mediaTypes)
            ? mediaTypes.OrderByDescending(mediaType => mediaType.Quality ?? 1).ToList()
            : [];
        foreach (var mediaType in accepted)
        {
            if (mediaType.Quality == 0)
            {
                continue;
            }

            if (mediaType.MediaType.Equals(TimelineCsv.MediaType, StringComparison.OrdinalIgnoreCase))
            {
                return TimelineCsv.MediaType;
            }

            if (mediaType.MediaType.Equals(CloudEventsBatch.MediaType, StringComparison.OrdinalIgnoreCase))
            {
                return CloudEventsBatch.MediaType;
            }

            if (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.MatchesAllTypes)
            {
                break;
            }
        }

        return "application/json";
    }

    /// <summary>The items in a non-JSON representation, or null when JSON was negotiated.</summary>
    public static FileContentHttpResult? Export(string mediaType, IReadOnlyList<TimelineItem> items, string fileName) => mediaType switch
    {
        TimelineCsv.MediaType => TypedResults.File(
            Encoding.UTF8.GetBytes(TimelineCsv.Write(items)), $"{TimelineCsv.MediaType}; charset=utf-8; header=present", fileName + ".csv"),
        CloudEventsBatch.MediaType => TypedResults.File(
            Encoding.UTF8.GetBytes(CloudEventsBatch.Write(items)), $"{CloudEventsBatch.MediaType}; charset=utf-8"),
        _ => null,
    };
}
