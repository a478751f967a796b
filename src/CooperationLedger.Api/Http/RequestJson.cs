using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using CooperationLedger.Api.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CooperationLedger.Api.Http;

/// <summary>A JSON request body, or the problem that stopped it from being read.</summary>
public readonly record struct JsonBody(JsonElement Value, ProblemHttpResult? Problem)
{
    public bool IsRead => Problem is null;
}

/// <summary>
/// Reads request bodies as JSON within the configured size limit. Endpoints read bodies themselves, instead of
/// binding them, so that a malformed body gets a precise 400 and the domain's reader reports every field error.
/// </summary>
public static class RequestJson
{
    public static async Task<JsonBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentType is { Length: > 0 } contentType && !IsJson(contentType))
        {
            return Failed(Problems.Problem(StatusCodes.Status415UnsupportedMediaType, $"The body must be JSON (Content-Type: application/json), not {contentType}."));
        }

        var limit = request.HttpContext.RequestServices.GetRequiredService<IOptions<LedgerOptions>>().Value.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            return Failed(Problems.TooLarge(limit));
        }

        var body = request.BodyReader;
        ReadResult read;
        try
        {
            while (true)
            {
                read = await body.ReadAsync(cancellationToken);
                if (read.Buffer.Length > limit)
                {
                    body.AdvanceTo(read.Buffer.End);
                    return Failed(Problems.TooLarge(limit));
                }

                if (read.IsCompleted)
                {
                    break;
                }

                // Nothing is consumed until the whole body has arrived: the parser reads it in one piece.
                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Failed(Problems.TooLarge(limit));
        }

        try
        {
            return read.Buffer.IsEmpty
                ? Failed(Problems.BadRequest("The request needs a JSON body."))
                : new JsonBody(Parse(read.Buffer), null);
        }
        catch (JsonException malformed)
        {
            return Failed(Problems.BadRequest($"The body is not well-formed JSON: {malformed.Message}"));
        }
        finally
        {
            body.AdvanceTo(read.Buffer.End);
        }
    }

    /// <summary>
    /// The one JSON value the body holds, parsed straight from the request's buffers into an element of its own, so
    /// that the body is neither gathered into a stream first nor copied again after parsing.
    /// </summary>
    private static JsonElement Parse(ReadOnlySequence<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        var value = JsonElement.ParseValue(ref reader);

        // Reading on makes the reader refuse anything after the value but whitespace, as a whole-document parse does.
        _ = reader.Read();
        return value;
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static JsonBody Failed(ProblemHttpResult problem) => new(default, problem);
}
