using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;

namespace CooperationLedger.Domain;

/// <summary>
/// The wire names of the domain's enums, taken from their <see cref="JsonStringEnumMemberNameAttribute"/>s so that the
/// kebab-case strings of the public API are written down exactly once.
/// </summary>
public static class StableNames
{
    private static readonly ConcurrentDictionary<Type, NameTable> Tables = new();

    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => TableFor(typeof(TEnum)).NameOf(value);

    public static IReadOnlyList<string> All<TEnum>() where TEnum : struct, Enum => TableFor(typeof(TEnum)).Names;

    public static IReadOnlyList<string> All(Type enumType) => TableFor(enumType).Names;

    public static bool TryParse<TEnum>(string? name, out TEnum value) where TEnum : struct, Enum
    {
        var found = TableFor(typeof(TEnum)).TryParse(name, out var boxed);
        value = found ? (TEnum)boxed! : default;
        return found;
    }

    /// <summary>The wire name as words, for sentences: <c>strategic-alliance</c> becomes "strategic alliance".</summary>
    public static string Words<TEnum>(TEnum value) where TEnum : struct, Enum => Of(value).Replace('-', ' ');

    private static NameTable TableFor(Type enumType) => Tables.GetOrAdd(enumType, type => new NameTable(type));

    private sealed class NameTable
    {
        private readonly Dictionary<object, string> namesByValue = [];
        private readonly Dictionary<string, object> valuesByName = new(StringComparer.Ordinal);

        public NameTable(Type enumType)
        {
            foreach (var field in enumType.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var name = field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                    ?? throw new InvalidOperationException($"{enumType.Name}.{field.Name} has no stable wire name.");
                var value = field.GetValue(null)!;
                namesByValue[value] = name;
                valuesByName[name] = value;
            }

            Names = [.. valuesByName.Keys];
        }

        public IReadOnlyList<string> Names { get; }

        public string NameOf(object value) =>
            namesByValue.TryGetValue(value, out var name)
                ? name
                : throw new ArgumentOutOfRangeException(nameof(value), value, "Not a defined value.");

        public bool TryParse(string? name, out object? value)
        {
            value = null;
            return name is not null && valuesByName.TryGetValue(name, out value);
        }
    }
}
