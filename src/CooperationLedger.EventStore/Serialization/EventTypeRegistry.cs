using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace CooperationLedger.EventStore.Serialization;

/// <summary>
/// Maps event CLR types to the stable aliases they are stored under, with their current schema version and their
/// source-generated JSON metadata, and upcasts rows stored at older schema versions to the current shape.
/// Configure it completely at start-up; it is read concurrently afterwards and not meant to change then.
/// </summary>
public sealed partial class EventTypeRegistry
{
    private readonly Dictionary<string, Registration> byAlias = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, Registration> byClrType = [];

    public IReadOnlyCollection<string> Aliases => byAlias.Keys;

    public EventTypeRegistry Register<TEvent>(string alias, JsonTypeInfo<TEvent> typeInfo, int schemaVersion = 1) =>
        Register(alias, typeof(TEvent), typeInfo, schemaVersion);

    /// <param name="alias">Lower-case words joined by hyphens, such as <c>visit-held</c>; never a CLR name, so types can be renamed.</param>
    public EventTypeRegistry Register(string alias, Type clrType, JsonTypeInfo typeInfo, int schemaVersion = 1)
    {
        ArgumentNullException.ThrowIfNull(clrType);
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (!AliasPattern().IsMatch(alias))
        {
            throw new ArgumentException($"'{alias}' is not a stable alias: use lower-case words joined by hyphens, such as 'visit-held'.", nameof(alias));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(schemaVersion, 1);
        if (typeInfo.Type != clrType)
        {
            throw new ArgumentException($"The JSON metadata describes {typeInfo.Type}, not {clrType}.", nameof(typeInfo));
        }

        if (byAlias.ContainsKey(alias) || byClrType.ContainsKey(clrType))
        {
            throw new ArgumentException($"The alias '{alias}' or the type {clrType} is already registered.", nameof(alias));
        }

        var registration = new Registration(alias, clrType, typeInfo, schemaVersion);
        byAlias.Add(alias, registration);
        byClrType.Add(clrType, registration);
        return this;
    }

    /// <summary>Registers the step that turns an event stored at <paramref name="fromVersion"/> into its shape at the next version.</summary>
    public EventTypeRegistry AddUpcaster(string alias, int fromVersion, Func<JsonNode, JsonNode> upcast)
    {
        ArgumentNullException.ThrowIfNull(upcast);
        if (!byAlias.TryGetValue(alias, out var registration))
        {
            throw new ArgumentException($"Register '{alias}' before adding upcasters to it.", nameof(alias));
        }

        if (fromVersion < 1 || fromVersion >= registration.SchemaVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(fromVersion), fromVersion, $"'{alias}' is at schema version {registration.SchemaVersion}; upcasters start from versions 1 to {registration.SchemaVersion - 1}.");
        }

        if (!registration.Upcasters.TryAdd(fromVersion, upcast))
        {
            throw new ArgumentException($"'{alias}' already has an upcaster from version {fromVersion}.", nameof(fromVersion));
        }

        return this;
    }

    public bool IsRegistered(Type clrType) => byClrType.ContainsKey(clrType);

    public string AliasOf(Type clrType) => RegistrationOf(clrType).Alias;

    internal SerializedEvent Serialize(object data)
    {
        var registration = RegistrationOf(data.GetType());
        return new SerializedEvent(registration.Alias, registration.SchemaVersion, JsonSerializer.SerializeToUtf8Bytes(data, registration.TypeInfo));
    }

    /// <exception cref="UnreadableEventException">Unknown alias, JSON that does not fit the type, or an upcaster missing or failing.</exception>
    internal object Deserialize(long sequence, string alias, int storedSchemaVersion, string json)
    {
        if (!byAlias.TryGetValue(alias, out var registration))
        {
            throw new UnreadableEventException(sequence, $"the type alias '{alias}' is not registered.");
        }

        if (storedSchemaVersion > registration.SchemaVersion)
        {
            throw new UnreadableEventException(sequence, $"'{alias}' was stored at schema version {storedSchemaVersion}, newer than the {registration.SchemaVersion} this build knows.");
        }

        try
        {
            var data = storedSchemaVersion == registration.SchemaVersion
                ? JsonSerializer.Deserialize(json, registration.TypeInfo)
                : Upcast(sequence, registration, storedSchemaVersion, json).Deserialize(registration.TypeInfo);
            return data ?? throw new UnreadableEventException(sequence, $"'{alias}' was stored as JSON null.");
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new UnreadableEventException(sequence, $"its JSON does not fit '{alias}' at schema version {registration.SchemaVersion}: {exception.Message}", exception);
        }
    }

    private static JsonNode Upcast(long sequence, Registration registration, int storedSchemaVersion, string json)
    {
        var node = JsonNode.Parse(json) ?? throw new UnreadableEventException(sequence, $"'{registration.Alias}' was stored as JSON null.");
        for (var version = storedSchemaVersion; version < registration.SchemaVersion; version++)
        {
            if (!registration.Upcasters.TryGetValue(version, out var upcast))
            {
                throw new UnreadableEventException(sequence, $"'{registration.Alias}' has no upcaster from schema version {version}.");
            }

            try
            {
                node = upcast(node);
            }
            catch (Exception exception) when (exception is not UnreadableEventException)
            {
                throw new UnreadableEventException(sequence, $"the upcaster of '{registration.Alias}' from schema version {version} failed: {exception.Message}", exception);
            }
        }

        return node;
    }

    private Registration RegistrationOf(Type clrType) =>
        byClrType.TryGetValue(clrType, out var registration) ? registration : throw new UnregisteredEventTypeException(clrType);

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex AliasPattern();

    private sealed record Registration(string Alias, Type ClrType, JsonTypeInfo TypeInfo, int SchemaVersion)
    {
        public Dictionary<int, Func<JsonNode, JsonNode>> Upcasters { get; } = [];
    }
}

internal readonly record struct SerializedEvent(string Alias, int SchemaVersion, byte[] Utf8Json);
