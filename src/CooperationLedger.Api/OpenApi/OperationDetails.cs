using System.Text.Json.Nodes;
using CooperationLedger.Api.Http;
using CooperationLedger.Api.Timelines;
using CooperationLedger.Domain;
using Microsoft.OpenApi;

namespace CooperationLedger.Api.OpenApi;

/// <summary>
/// What the endpoints' signatures cannot say: query parameters are bound as text (to report bad values precisely),
/// so their types and meanings are given here; and the headers the API reads and writes.
/// </summary>
public static class OperationDetails
{
    private static readonly Dictionary<string, (string Description, Func<OpenApiSchema> Schema)> QueryParameters = new(StringComparer.Ordinal)
    {
        ["stage"] = ("Only partnerships at this stage (as of today).", () => Enum(StableNames.All<PartnershipStage>())),
        ["kind"] = ("Only partnerships with a partner of this kind.", () => Enum(StableNames.All<PartnerKind>())),
        ["q"] = ("Text to find, ignoring case, in titles, partner names and every partner alias.", () => Text()),
        ["staleDays"] = ("Only partnerships not closed whose last activity is at least this many days ago; in the pipeline, the stale threshold (default 90).", () => Integer("int32")),
        ["offset"] = ("How many matches to skip.", () => Integer("int32")),
        ["limit"] = ("At most this many items (default 100, at most 1000).", () => Integer("int32")),
        ["asOf"] = ("An instant with offset: answer what the ledger knew then. Needs the auditor role.", () => Text("date-time")),
        ["validAt"] = ("A date: answer what was true that day, given everything known now. Needs the auditor role.", () => Text("date")),
        ["from"] = ("Only entries that occurred on or after this day.", () => Text("date")),
        ["to"] = ("Only entries that occurred on or before this day.", () => Text("date")),
        ["type"] = ("Only entries of this type.", () => Enum(PartnershipEventCatalog.All.Select(eventType => eventType.Alias))),
        ["recordedBy"] = ("Only entries recorded with the key of this name.", () => Text()),
        ["after"] = ("The cursor: only entries with a higher sequence (the previous page's `next`).", () => Integer("int64")),
        ["days"] = ("List agreements in force that expire within this many days (default 90).", () => Integer("int32")),
        ["minSequence"] = ("Wait (up to 5 s) until the directory includes this sequence, such as the one an append answered.", () => Integer("int64")),
    };

    public static void Describe(OpenApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (parameter.In == ParameterLocation.Query && parameter.Name is { } name && QueryParameters.TryGetValue(name, out var known))
            {
                parameter.Description = known.Description;
                parameter.Schema = known.Schema();
            }
        }

        switch (operation.OperationId)
        {
            case "OpenPartnership":
                AddHeader(operation, IdempotencyKeys.HeaderName, "A key of your choosing: a retry with the same key and body answers as the first request did and opens nothing; the key with another body is 422.");
                AddResponseHeader(operation, "201", "ETag", "The partnership's version, \"1\".");
                AddResponseHeader(operation, "201", "Location", "The new partnership.");
                break;
            case "AppendEntries":
                AddHeader(operation, "If-Match", "The version the entries were decided against, such as \"3\": if the partnership has moved on, 412 and nothing is written.");
                AddHeader(operation, IdempotencyKeys.HeaderName, "A key of your choosing: a retry with the same key and entries answers as the first request did and writes nothing; the key with other entries, or one another API key used on this partnership, is 422.");
                AddResponseHeader(operation, "201", "ETag", "The partnership's version after the append.");
                break;
            case "GetPartnership":
                AddResponseHeader(operation, "200", "ETag", "The partnership's version.");
                break;
            case "GetPartnershipTimeline" or "GetTimelineFeed":
                AddExportFormats(operation);
                break;
            case "CreateKey":
                DescribeResponse(operation, "201", "The new key. `key` is shown in this answer only, once: the service keeps only its SHA-256, so store it now.");
                AddResponseHeader(operation, "201", "Location", "/api/keys/{id}, where the key is revoked.");
                break;
        }

        if (operation.Responses?.GetValueOrDefault("429") is not null)
        {
            AddResponseHeader(operation, "429", "Retry-After", "Seconds until the key may call again.");
        }
    }

    private static void AddExportFormats(OpenApiOperation operation)
    {
        if (operation.Responses?.GetValueOrDefault("200")?.Content is not { } content)
        {
            return;
        }

        content[TimelineCsv.MediaType] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "RFC 4180 CSV: a header row, then one row per entry." },
        };
        content[CloudEventsBatch.MediaType] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "A CloudEvents 1.0 batch: one event per entry, subject the partnership, time when it occurred, extensions sequence, recordedat, recordedby, hash and (for dates) occurreddate.",
                Items = new OpenApiSchema { Type = JsonSchemaType.Object },
            },
        };
    }

    private static void AddHeader(OpenApiOperation operation, string name, string description)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Header, Description = description, Schema = Text() });
    }

    private static void DescribeResponse(OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses?.GetValueOrDefault(status) is OpenApiResponse response)
        {
            response.Description = description;
        }
    }

    private static void AddResponseHeader(OpenApiOperation operation, string status, string name, string description)
    {
        if (operation.Responses?.GetValueOrDefault(status) is OpenApiResponse response)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[name] = new OpenApiHeader { Description = description, Schema = Text() };
        }
    }

    private static OpenApiSchema Text(string? format = null) => new() { Type = JsonSchemaType.String, Format = format };

    private static OpenApiSchema Integer(string format) => new() { Type = JsonSchemaType.Integer, Format = format };

    private static OpenApiSchema Enum(IEnumerable<string> names) =>
        new() { Type = JsonSchemaType.String, Enum = [.. names.Select(name => (JsonNode)JsonValue.Create(name))] };
}
