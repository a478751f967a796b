using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace CooperationLedger.EventStore.Serialization;

/// <summary>
/// RFC 8785 style canonical JSON: object members sorted by the UTF-16 code units of their names, no insignificant
/// whitespace, strings minimally escaped, numbers in ECMAScript form. Two texts that PostgreSQL's jsonb considers the
/// same value canonicalise to the same bytes, which is what lets a hash survive jsonb re-serialisation.
/// </summary>
/// <remarks>
/// One deliberate difference from RFC 8785: a number's digits are kept exactly instead of being rounded to an IEEE
/// double (see <see cref="CanonicalNumber"/>). For every number written as the shortest round-trip form of a double,
/// which is all System.Text.Json writes, the output is identical; for longer numbers, which jsonb stores exactly,
/// no edit can hide in digits a double would drop. Duplicate member names keep the last value, as jsonb does.
/// </remarks>
public static class CanonicalJson
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 256 };

    public static string Canonicalize(string json)
    {
        var output = new ArrayBufferWriter<byte>(json.Length);
        Write(json, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    public static byte[] Canonicalize(ReadOnlyMemory<byte> utf8Json)
    {
        var output = new ArrayBufferWriter<byte>(utf8Json.Length);
        Write(utf8Json, output);
        return output.WrittenSpan.ToArray();
    }

    /// <exception cref="JsonException">The text is not well-formed JSON.</exception>
    public static void Write(string json, IBufferWriter<byte> output)
    {
        using var document = JsonDocument.Parse(json, ParseOptions);
        WriteDocument(document, output);
    }

    /// <exception cref="JsonException">The text is not well-formed JSON.</exception>
    public static void Write(ReadOnlyMemory<byte> utf8Json, IBufferWriter<byte> output)
    {
        using var document = JsonDocument.Parse(utf8Json, ParseOptions);
        WriteDocument(document, output);
    }

    private static void WriteDocument(JsonDocument document, IBufferWriter<byte> output)
    {
        try
        {
            Write(document.RootElement, output);
        }
        catch (InvalidOperationException exception)
        {
            // System.Text.Json refuses to decode an escaped unpaired surrogate; to callers that is broken JSON.
            throw new JsonException(exception.Message, exception);
        }
    }

    private static void Write(JsonElement element, IBufferWriter<byte> output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, output);
                break;
            case JsonValueKind.Array:
                WriteArray(element, output);
                break;
            case JsonValueKind.String:
                WriteStringElement(element, output);
                break;
            case JsonValueKind.Number:
                CanonicalNumber.Write(JsonMarshal.GetRawUtf8Value(element), output);
                break;
            case JsonValueKind.True:
                output.Write("true"u8);
                break;
            case JsonValueKind.False:
                output.Write("false"u8);
                break;
            case JsonValueKind.Null:
                output.Write("null"u8);
                break;
            default:
                throw new JsonException($"Unexpected JSON value kind {element.ValueKind}.");
        }
    }

    private static void WriteObject(JsonElement element, IBufferWriter<byte> output)
    {
        var members = new List<Member>();
        foreach (var property in element.EnumerateObject())
        {
            members.Add(new Member(property.Name, members.Count, property.Value));
        }

        members.Sort(static (left, right) =>
        {
            var byName = string.CompareOrdinal(left.Name, right.Name);
            return byName != 0 ? byName : left.Position.CompareTo(right.Position);
        });

        output.Write("{"u8);
        var first = true;
        for (var index = 0; index < members.Count; index++)
        {
            var isShadowedByLaterDuplicate = index + 1 < members.Count && members[index + 1].Name == members[index].Name;
            if (isShadowedByLaterDuplicate)
            {
                continue;
            }

            if (!first)
            {
                output.Write(","u8);
            }

            first = false;
            WriteString(members[index].Name, output);
            output.Write(":"u8);
            Write(members[index].Value, output);
        }

        output.Write("}"u8);
    }

    private static void WriteArray(JsonElement element, IBufferWriter<byte> output)
    {
        output.Write("["u8);
        var first = true;
        foreach (var item in element.EnumerateArray())
        {
            if (!first)
            {
                output.Write(","u8);
            }

            first = false;
            Write(item, output);
        }

        output.Write("]"u8);
    }

    private static void WriteStringElement(JsonElement element, IBufferWriter<byte> output)
    {
        // Raw JSON text cannot hold unescaped quotes or control characters, so a token without any escape
        // is already in canonical form and can be copied as it is.
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (!raw.Contains((byte)'\\'))
        {
            output.Write(raw);
            return;
        }

        WriteString(element.GetString()!, output);
    }

    private static void WriteString(string value, IBufferWriter<byte> output)
    {
        output.Write("\""u8);
        var runStart = 0;
        for (var index = 0; index < value.Length; index++)
        {
            var character = value[index];
            if (char.IsHighSurrogate(character))
            {
                if (index + 1 >= value.Length || !char.IsLowSurrogate(value[index + 1]))
                {
                    throw new JsonException("A string holds an unpaired surrogate, which canonical JSON cannot represent.");
                }

                index++;
                continue;
            }

            if (char.IsLowSurrogate(character))
            {
                throw new JsonException("A string holds an unpaired surrogate, which canonical JSON cannot represent.");
            }

            var escape = EscapeFor(character);
            if (escape is null)
            {
                continue;
            }

            WriteUtf8(value.AsSpan(runStart, index - runStart), output);
            WriteUtf8(escape, output);
            runStart = index + 1;
        }

        WriteUtf8(value.AsSpan(runStart), output);
        output.Write("\""u8);
    }

    private static string? EscapeFor(char character) => character switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\b' => "\\b",
        '\f' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        < ' ' => $"\\u{(int)character:x4}",
        _ => null,
    };

    private static void WriteUtf8(ReadOnlySpan<char> text, IBufferWriter<byte> output)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var destination = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, destination));
    }

    private readonly record struct Member(string Name, int Position, JsonElement Value);
}
