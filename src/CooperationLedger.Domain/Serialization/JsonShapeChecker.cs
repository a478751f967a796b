using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CooperationLedger.Domain;

/// <summary>
/// Checks client JSON against the source-generated metadata of the type it should become, reporting every problem
/// with its path at once, before the serializer (which stops at the first problem, with a technical message) runs.
/// </summary>
internal static class JsonShapeChecker
{
    private const string DateFormat = "yyyy-MM-dd";

    public static void Check(JsonElement value, JsonTypeInfo typeInfo, string path, FieldErrors errors)
    {
        var type = typeInfo.Type;
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            errors.Add(path, "Required.");
        }
        else if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            Check(value, typeInfo.Options.GetTypeInfo(underlying), path, errors);
        }
        else if (type == typeof(string))
        {
            CheckText(value, path, errors);
        }
        else if (type == typeof(DateOnly))
        {
            CheckDate(value, path, errors);
        }
        else if (type == typeof(Guid))
        {
            CheckGuid(value, path, errors);
        }
        else if (type == typeof(JsonElement))
        {
            CheckObjectKind(value, path, errors);
        }
        else if (type.IsEnum)
        {
            CheckEnum(value, type, path, errors);
        }
        else if (typeInfo.Kind == JsonTypeInfoKind.Enumerable && typeInfo.ElementType is { } elementType)
        {
            CheckList(value, typeInfo.Options.GetTypeInfo(elementType), path, errors);
        }
        else if (typeInfo.Kind == JsonTypeInfoKind.Object)
        {
            CheckObject(value, typeInfo, path, errors);
        }
        else
        {
            CheckByDeserializing(value, typeInfo, path, errors);
        }
    }

    private static void CheckText(JsonElement value, string path, FieldErrors errors)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(path, "Must be a string.");
        }
        else if (string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors.Add(path, "Must not be blank.");
        }
    }

    private static void CheckDate(JsonElement value, string path, FieldErrors errors)
    {
        if (value.ValueKind != JsonValueKind.String ||
            !DateOnly.TryParseExact(value.GetString(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add(path, "Must be a calendar date such as 2024-03-21.");
        }
    }

    private static void CheckGuid(JsonElement value, string path, FieldErrors errors)
    {
        if (value.ValueKind != JsonValueKind.String || !Guid.TryParse(value.GetString(), out _))
        {
            errors.Add(path, "Must be an event id such as 0190a6b2-7c4e-7d2a-9c1e-5f0e3b8a1d42.");
        }
    }

    private static void CheckObjectKind(JsonElement value, string path, FieldErrors errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, "Must be an object.");
        }
    }

    private static void CheckEnum(JsonElement value, Type enumType, string path, FieldErrors errors)
    {
        var names = StableNames.All(enumType);
        if (value.ValueKind != JsonValueKind.String || !names.Contains(value.GetString()))
        {
            errors.Add(path, $"Must be one of: {string.Join(", ", names)}.");
        }
    }

    private static void CheckList(JsonElement value, JsonTypeInfo elementTypeInfo, string path, FieldErrors errors)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(path, "Must be a list.");
            return;
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = FieldErrors.Item(path, index++);
            if (item.ValueKind == JsonValueKind.Null)
            {
                errors.Add(itemPath, "Must not be null.");
            }
            else
            {
                Check(item, elementTypeInfo, itemPath, errors);
            }
        }
    }

    private static void CheckObject(JsonElement value, JsonTypeInfo typeInfo, string path, FieldErrors errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, "Must be an object.");
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            var propertyPath = FieldErrors.Child(path, property.Name);
            var present = value.TryGetProperty(property.Name, out var member) && member.ValueKind != JsonValueKind.Null;
            if (!present)
            {
                if (property.IsRequired)
                {
                    errors.Add(propertyPath, "Required.");
                }

                continue;
            }

            Check(member, typeInfo.Options.GetTypeInfo(property.PropertyType), propertyPath, errors);
            if (member.ValueKind == JsonValueKind.Array && member.GetArrayLength() == 0 && NeedsAtLeastOne(property))
            {
                errors.Add(propertyPath, "Must contain at least one item.");
            }
        }
    }

    private static bool NeedsAtLeastOne(JsonPropertyInfo property) =>
        property.AttributeProvider?.IsDefined(typeof(AtLeastOneAttribute), inherit: false) == true;

    private static void CheckByDeserializing(JsonElement value, JsonTypeInfo typeInfo, string path, FieldErrors errors)
    {
        try
        {
            _ = value.Deserialize(typeInfo);
        }
        catch (JsonException)
        {
            errors.Add(path, "Has the wrong type.");
        }
    }

    /// <summary>Turns a serializer path such as <c>$.partners[0].kind</c> into the reader's <c>partners[0].kind</c>.</summary>
    public static string FromSerializerPath(string prefix, string? serializerPath)
    {
        var relative = (serializerPath ?? "$").TrimStart('$').TrimStart('.');
        return relative.Length == 0 ? prefix
            : prefix.Length == 0 ? relative
            : relative.StartsWith('[') ? prefix + relative
            : $"{prefix}.{relative}";
    }
}
