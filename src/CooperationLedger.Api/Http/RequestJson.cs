using System.Buffers;
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
    private const int ChunkSize = 16 * 1024;

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

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return Failed(Problems.TooLarge(limit));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Failed(Problems.TooLarge(limit));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (buffer.Length == 0)
        {
            return Failed(Problems.BadRequest("The request needs a JSON body."));
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            return new JsonBody(document.RootElement.Clone(), null);
        }
        catch (JsonException malformed)
        {
            return Failed(Problems.BadRequest($"The body is not well-formed JSON: {malformed.Message}"));
        }
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static JsonBody Failed(ProblemHttpResult problem) => new(default, problem);
}
