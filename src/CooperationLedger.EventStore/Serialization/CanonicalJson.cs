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
        var count = element.GetPropertyCount();
        var members = ArrayPool<Member>.Shared.Rent(count);
        try
        {
            var allNamesPlain = true;
            var position = 0;
            foreach (var property in element.EnumerateObject())
            {
                allNamesPlain &= IsPlainAscii(JsonMarshal.GetRawUtf8PropertyName(property));
                members[position] = new Member(Name: null, position, property);
                position++;
            }

            var sorted = members.AsSpan(0, count);
            if (allNamesPlain)
            {
                // For ASCII, UTF-8 bytes sort as UTF-16 code units do, so the names need not be decoded.
                sorted.Sort(static (left, right) =>
                {
                    var byName = JsonMarshal.GetRawUtf8PropertyName(left.Property).SequenceCompareTo(JsonMarshal.GetRawUtf8PropertyName(right.Property));
                    return byName != 0 ? byName : left.Position.CompareTo(right.Position);
                });
            }
            else
            {
                for (var index = 0; index < count; index++)
                {
                    members[index] = members[index] with { Name = members[index].Property.Name };
                }

                sorted.Sort(static (left, right) =>
                {
                    var byName = string.CompareOrdinal(left.Name, right.Name);
                    return byName != 0 ? byName : left.Position.CompareTo(right.Position);
                });
            }

            output.Write("{"u8);
            var first = true;
            for (var index = 0; index < count; index++)
            {
                var isShadowedByLaterDuplicate = index + 1 < count && SameName(sorted[index + 1], sorted[index], allNamesPlain);
                if (isShadowedByLaterDuplicate)
                {
                    continue;
                }

                if (!first)
                {
                    output.Write(","u8);
                }

                first = false;
                if (allNamesPlain)
                {
                    // A plain ASCII name needs no escape: raw JSON cannot hold a control character or a bare quote.
                    output.Write("\""u8);
                    output.Write(JsonMarshal.GetRawUtf8PropertyName(sorted[index].Property));
                    output.Write("\""u8);
                }
                else
                {
                    WriteString(sorted[index].Name!, output);
                }

                output.Write(":"u8);
                Write(sorted[index].Property.Value, output);
            }

            output.Write("}"u8);
        }
        finally
        {
            ArrayPool<Member>.Shared.Return(members, clearArray: true);
        }
    }

    private static bool SameName(in Member left, in Member right, bool namesArePlain) =>
        namesArePlain
            ? JsonMarshal.GetRawUtf8PropertyName(left.Property).SequenceEqual(JsonMarshal.GetRawUtf8PropertyName(right.Property))
            : left.Name == right.Name;

    /// <summary>Printable ASCII without an escape: the raw bytes are the name, and already its canonical form.</summary>
    private static bool IsPlainAscii(ReadOnlySpan<byte> rawName) =>
        !rawName.ContainsAnyExceptInRange((byte)' ', (byte)'~') && !rawName.Contains((byte)'\\');

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

    /// <param name="Name">Decoded, for every member of the object, only when some name of it is not plain ASCII.</param>
    private readonly record struct Member(string? Name, int Position, JsonProperty Property);
}
