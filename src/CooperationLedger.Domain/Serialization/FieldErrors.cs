namespace CooperationLedger.Domain;

/// <summary>Collects error messages per JSON path while reading client input.</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> messages = new(StringComparer.Ordinal);

    public bool Any => messages.Count > 0;

    public void Add(string path, string message)
    {
        if (!messages.TryGetValue(path, out var list))
        {
            messages[path] = list = [];
        }

        list.Add(message);
    }

    public void AddAll(IDictionary<string, string[]> errors)
    {
        foreach (var (path, pathMessages) in errors)
        {
            foreach (var message in pathMessages)
            {
                Add(path, message);
            }
        }
    }

    public IDictionary<string, string[]> ToDictionary() =>
        messages.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);

    public static string Child(string path, string member) => path.Length == 0 ? member : $"{path}.{member}";

    public static string Item(string path, int index) => $"{path}[{index}]";
}
