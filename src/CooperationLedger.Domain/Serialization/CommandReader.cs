using System.Text.Json;

namespace CooperationLedger.Domain;

/// <summary>
/// Turns what a client posts into a <see cref="Command"/> in one call, or into field errors: an entry
/// <c>{type, occurredAt, data, source}</c>, or the body opening a partnership (the <c>partnership-opened</c> data
/// fields with <c>occurredAt</c> and <c>source</c> beside them).
/// </summary>
public static class CommandReader
{
    private const string OpeningType = "partnership-opened";

    /// <summary>Reads one element of <c>POST /api/partnerships/{id}/events</c>.</summary>
    public static ReadResult<Command> ReadEntry(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return Failure("", "Must be an object with type, occurredAt, data and optionally source.");
        }

        var type = entry.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String
            ? typeElement.GetString()
            : null;
        return Read(type, Member(entry, "data"), Member(entry, "occurredAt"), Member(entry, "source"), dataPath: "data");
    }

    /// <summary>
    /// Reads the body of <c>POST /api/partnerships/{id}/events</c>: one entry, or an array of them whose errors are
    /// keyed by index (<c>[1].data.title</c>).
    /// </summary>
    public static ReadResult<ValidatedCommands> ReadEntries(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Array)
        {
            var single = ReadEntry(body);
            return single.IsValid
                ? ReadResult<ValidatedCommands>.Success(new ValidatedCommands([single.Value]))
                : ReadResult<ValidatedCommands>.Failure(single.Errors);
        }

        var commands = new List<Command>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var index = 0;
        foreach (var element in body.EnumerateArray())
        {
            var entry = ReadEntry(element);
            if (entry.IsValid)
            {
                commands.Add(entry.Value);
            }
            else
            {
                foreach (var (path, messages) in entry.Errors)
                {
                    errors[path.Length == 0 ? $"[{index}]" : $"[{index}].{path}"] = messages;
                }
            }

            index++;
        }

        if (index == 0)
        {
            errors[""] = ["An array of entries must hold at least one entry."];
        }

        return errors.Count > 0
            ? ReadResult<ValidatedCommands>.Failure(errors)
            : ReadResult<ValidatedCommands>.Success(new ValidatedCommands(commands));
    }

    /// <summary>Reads the body of <c>POST /api/partnerships</c>.</summary>
    public static ReadResult<Command> ReadOpening(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object
            ? Read(OpeningType, body, Member(body, "occurredAt"), Member(body, "source"), dataPath: "")
            : Failure("", "Must be an object with the partnership-opened fields, occurredAt and optionally source.");

    /// <param name="data">The event data; <see langword="default"/> when absent.</param>
    /// <param name="occurredAt">A JSON string; <see langword="default"/> when absent.</param>
    /// <param name="source">A source object; <see langword="default"/> or JSON null when absent.</param>
    /// <param name="dataPath">Prefix for the data's error keys.</param>
    public static ReadResult<Command> Read(string? type, JsonElement data, JsonElement occurredAt, JsonElement source, string dataPath)
    {
        var errors = new FieldErrors();

        var payload = EventDataReader.Read(type, data, dataPath);
        if (!payload.IsValid)
        {
            errors.AddAll(payload.Errors);
        }

        var occurredAtText = occurredAt.ValueKind == JsonValueKind.String ? occurredAt.GetString() : null;
        if (!OccurredAt.TryParse(occurredAtText, out var occurred, out var occurredAtError))
        {
            errors.Add("occurredAt", occurredAtError);
        }

        Source? entrySource = null;
        if (source.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            var readSource = EventDataReader.ReadSource(source);
            if (readSource.IsValid)
            {
                entrySource = readSource.Value;
            }
            else
            {
                errors.AddAll(readSource.Errors);
            }
        }

        return errors.Any || payload.Value is not { } @event
            ? ReadResult<Command>.Failure(errors.ToDictionary())
            : ReadResult<Command>.Success(Command.For(@event, occurred, entrySource));
    }

    private static JsonElement Member(JsonElement json, string name) =>
        json.TryGetProperty(name, out var member) ? member : default;

    private static ReadResult<Command> Failure(string path, string message)
    {
        var errors = new FieldErrors();
        errors.Add(path, message);
        return ReadResult<Command>.Failure(errors.ToDictionary());
    }
}
