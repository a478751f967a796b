using System.Text.Json;
using System.Text.Json.Nodes;
using CooperationLedger.Domain;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CooperationLedger.Api.OpenApi;

/// <summary>
/// Schemas the generator cannot infer: the domain's types with their own JSON converters (stable enum names,
/// <see cref="OccurredAt"/>), and the shape of an entry's <c>data</c>, which depends on its <c>type</c>.
/// </summary>
public static class LedgerSchemas
{
    public static Task DescribeConvertedTypesAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type == typeof(OccurredAt))
        {
            schema.Type = JsonSchemaType.String;
            schema.Description = "When it happened: a date (2024-03-21) when only the day is known, or a date-time with its UTC offset (2024-03-21T09:30:00+08:00).";
            schema.Examples = [JsonValue.Create("2024-04-01"), JsonValue.Create("2024-03-21T09:30:00+08:00")];
        }
        else if (type.IsEnum && type.Namespace == typeof(PartnershipStage).Namespace)
        {
            schema.Type = JsonSchemaType.String;
            schema.Enum = [.. StableNames.All(type).Select(name => (JsonNode)JsonValue.Create(name))];
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Adds a schema for each entry type's data, named after its CLR type (<c>visit-held</c>: <c>VisitHeld</c>), and
    /// makes an entry's <c>data</c> one of them.
    /// </summary>
    public static async Task AddEntryDataSchemasAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(context);
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        var dataSchemas = new List<IOpenApiSchema>();
        foreach (var eventType in PartnershipEventCatalog.All)
        {
            var schema = await context.GetOrCreateSchemaAsync(eventType.Type, parameterDescription: null, cancellationToken);
            schema.Description = $"The data of an entry of type `{eventType.Alias}`.";
            document.Components.Schemas[eventType.Type.Name] = schema;
            dataSchemas.Add(new OpenApiSchemaReference(eventType.Type.Name, document));
        }

        if (document.Components.Schemas.TryGetValue("EntryRequest", out var entrySchema) && entrySchema is OpenApiSchema { Properties: { } properties })
        {
            properties["type"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = [.. PartnershipEventCatalog.All.Select(eventType => (JsonNode)JsonValue.Create(eventType.Alias))],
                Description = "The entry's stable type name.",
            };
            properties["data"] = new OpenApiSchema
            {
                OneOf = dataSchemas,
                Description = $"The data of the entry's type: {string.Join(", ", PartnershipEventCatalog.All.Select(eventType => $"`{eventType.Alias}`: {eventType.Type.Name}"))}.",
            };
        }

        document.Components.Schemas.Remove(nameof(JsonElement));
    }
}
