using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CooperationLedger.Domain;

/// <summary>
/// Reads event data posted by a client. Every problem (unknown type, missing or ill-typed field, unknown enum name,
/// malformed date) becomes a field error keyed by its camelCase JSON path; no <see cref="JsonException"/> escapes.
/// </summary>
public static class EventDataReader
{
    public static ReadResult<PartnershipEvent> Read(string? type, JsonElement data) => Read(type, data, dataPath: "");

    /// <param name="dataPath">Prefix for error keys, such as <c>data</c> when the payload is nested in a request.</param>
    public static ReadResult<PartnershipEvent> Read(string? type, JsonElement data, string dataPath)
    {
        if (PartnershipEventCatalog.TryGet(type, out var eventType))
        {
            return ReadAs<PartnershipEvent>(data, eventType.TypeInfo, dataPath);
        }

        var errors = new FieldErrors();
        errors.Add("type", string.IsNullOrWhiteSpace(type)
            ? $"Required: one of {KnownTypes}."
            : $"Unknown event type '{type}': expected one of {KnownTypes}.");
        return ReadResult<PartnershipEvent>.Failure(errors.ToDictionary());
    }

    public static ReadResult<Source> ReadSource(JsonElement source, string path = "source") =>
        ReadAs<Source>(source, DomainJsonContext.Default.Source, path);

    /// <summary>Checks data built in code exactly as client JSON is checked; empty when it is valid.</summary>
    public static IDictionary<string, string[]> Validate(PartnershipEvent @event) =>
        Validate(@event, PartnershipEventCatalog.For(@event).TypeInfo, path: "");

    /// <summary>Checks a source built in code exactly as client JSON is checked; keys start with <c>source</c>.</summary>
    public static IDictionary<string, string[]> Validate(Source source) =>
        Validate(source, DomainJsonContext.Default.Source, path: "source");

    private static IDictionary<string, string[]> Validate(object value, JsonTypeInfo typeInfo, string path)
    {
        var errors = new FieldErrors();
        try
        {
            JsonShapeChecker.Check(JsonSerializer.SerializeToElement(value, typeInfo), typeInfo, path, errors);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            errors.Add(path, "A required field is missing.");
        }

        return errors.ToDictionary();
    }

    internal static ReadResult<T> ReadAs<T>(JsonElement json, JsonTypeInfo typeInfo, string path) where T : class
    {
        var errors = new FieldErrors();
        JsonShapeChecker.Check(json, typeInfo, path, errors);
        if (!errors.Any)
        {
            try
            {
                if (json.Deserialize(typeInfo) is T value)
                {
                    return ReadResult<T>.Success(value);
                }

                errors.Add(path, "Required.");
            }
            catch (JsonException exception)
            {
                errors.Add(JsonShapeChecker.FromSerializerPath(path, exception.Path), "Has the wrong shape.");
            }
        }

        return ReadResult<T>.Failure(errors.ToDictionary());
    }

    private static string KnownTypes => string.Join(", ", PartnershipEventCatalog.All.Select(entry => entry.Alias));
}
