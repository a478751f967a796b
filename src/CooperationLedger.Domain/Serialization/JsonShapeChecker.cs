using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
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
        // Valid input, the usual case, is confirmed without building a single path or message; only input with a
        // problem is walked again to report every problem with its path.
        if (!Conforms(value, typeInfo, path: null, errors: null))
        {
            Conforms(value, typeInfo, path, errors);
        }
    }

    /// <summary>
    /// Whether <paramref name="value"/> has the shape of <paramref name="typeInfo"/>. With <paramref name="errors"/>
    /// every problem is added to it under its path; without, the walk stops at the first one and
    /// <paramref name="path"/> is null.
    /// </summary>
    private static bool Conforms(JsonElement value, JsonTypeInfo typeInfo, string? path, FieldErrors? errors)
    {
        var type = typeInfo.Type;
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            return Fails(errors, path, "Required.");
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Conforms(value, typeInfo.Options.GetTypeInfo(underlying), path, errors);
        }

        if (type == typeof(string))
        {
            return value.ValueKind != JsonValueKind.String ? Fails(errors, path, "Must be a string.")
                : IsBlank(value) ? Fails(errors, path, "Must not be blank.")
                : true;
        }

        if (type == typeof(DateOnly))
        {
            return value.ValueKind == JsonValueKind.String
                && DateOnly.TryParseExact(value.GetString(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                || Fails(errors, path, "Must be a calendar date such as 2024-03-21.");
        }

        if (type == typeof(Guid))
        {
            return value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out _)
                || Fails(errors, path, "Must be an event id such as 0190a6b2-7c4e-7d2a-9c1e-5f0e3b8a1d42.");
        }

        if (type == typeof(JsonElement))
        {
            return value.ValueKind == JsonValueKind.Object || Fails(errors, path, "Must be an object.");
        }

        if (type.IsEnum)
        {
            return IsOneOf(value, StableNames.All(type))
                || Fails(errors, path, $"Must be one of: {string.Join(", ", StableNames.All(type))}.");
        }

        if (typeInfo.Kind == JsonTypeInfoKind.Enumerable && typeInfo.ElementType is { } elementType)
        {
            return ListConforms(value, typeInfo.Options.GetTypeInfo(elementType), path, errors);
        }

        return typeInfo.Kind == JsonTypeInfoKind.Object
            ? ObjectConforms(value, typeInfo, path, errors)
            : DeserializeConforms(value, typeInfo, path, errors);
    }

    /// <summary>Adds the problem when problems are being reported (the message is only built then); always false.</summary>
    private static bool Fails(FieldErrors? errors, string? path, string message)
    {
        errors?.Add(path!, message);
        return false;
    }

    private static bool IsBlank(JsonElement text)
    {
        // The string as sent, between its quotes: without escapes or non-ASCII, only a space can be blank in JSON
        // (the other ASCII whitespace must be escaped), so it is judged without allocating a copy.
        var raw = JsonMarshal.GetRawUtf8Value(text);
        var content = raw is [(byte)'"', .. var quoted, (byte)'"'] ? quoted : raw;
        return content.IndexOf((byte)'\\') < 0 && Ascii.IsValid(content)
            ? !content.ContainsAnyExcept((byte)' ')
            : string.IsNullOrWhiteSpace(text.GetString());
    }

    private static bool IsOneOf(JsonElement value, IReadOnlyList<string> names)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        foreach (var name in names)
        {
            if (value.ValueEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ListConforms(JsonElement value, JsonTypeInfo elementTypeInfo, string? path, FieldErrors? errors)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Fails(errors, path, "Must be a list.");
        }

        var conforms = true;
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = errors is null ? null : FieldErrors.Item(path!, index);
            index++;
            conforms &= item.ValueKind == JsonValueKind.Null
                ? Fails(errors, itemPath, "Must not be null.")
                : Conforms(item, elementTypeInfo, itemPath, errors);
            if (!conforms && errors is null)
            {
                return false;
            }
        }

        return conforms;
    }

    private static bool ObjectConforms(JsonElement value, JsonTypeInfo typeInfo, string? path, FieldErrors? errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return Fails(errors, path, "Must be an object.");
        }

        var conforms = true;
        foreach (var property in typeInfo.Properties)
        {
            var propertyPath = errors is null ? null : FieldErrors.Child(path!, property.Name);
            var present = value.TryGetProperty(property.Name, out var member) && member.ValueKind != JsonValueKind.Null;
            if (!present)
            {
                conforms &= !property.IsRequired || Fails(errors, propertyPath, "Required.");
            }
            else
            {
                conforms &= Conforms(member, typeInfo.Options.GetTypeInfo(property.PropertyType), propertyPath, errors);
                if (member.ValueKind == JsonValueKind.Array && member.GetArrayLength() == 0 && NeedsAtLeastOne(property))
                {
                    conforms = Fails(errors, propertyPath, "Must contain at least one item.");
                }
            }

            if (!conforms && errors is null)
            {
                return false;
            }
        }

        return conforms;
    }

    private static bool NeedsAtLeastOne(JsonPropertyInfo property) =>
        property.AttributeProvider?.IsDefined(typeof(AtLeastOneAttribute), inherit: false) == true;

    private static bool DeserializeConforms(JsonElement value, JsonTypeInfo typeInfo, string? path, FieldErrors? errors)
    {
        try
        {
            _ = value.Deserialize(typeInfo);
            return true;
        }
        catch (JsonException)
        {
            return Fails(errors, path, "Has the wrong type.");
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
