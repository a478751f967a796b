using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace CooperationLedger.Api.Http;

/// <summary>A partnership's ETag is its stream version: <c>"3"</c>.</summary>
public static class EntityTags
{
    public static string Of(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void Set(HttpResponse response, long version)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.ETag = Of(version);
    }

    /// <summary>Reads If-Match: absent is null; <c>"3"</c>, <c>W/"3"</c> and <c>3</c> are version 3.</summary>
    public static bool TryReadIfMatch(HttpRequest request, out long? version)
    {
        ArgumentNullException.ThrowIfNull(request);
        version = null;
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return true;
        }

        if (EntityTagHeaderValue.TryParse(header, out var tag) && TryParseVersion(tag.Tag.ToString().Trim('"'), out var tagged))
        {
            version = tagged;
            return true;
        }

        if (TryParseVersion(header, out var bare))
        {
            version = bare;
            return true;
        }

        return false;
    }

    private static bool TryParseVersion(string text, out long version) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version) && version >= 1;
}
