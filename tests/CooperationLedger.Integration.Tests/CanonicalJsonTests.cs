using System.Text;
using System.Text.Json;
using CooperationLedger.EventStore.Serialization;

namespace CooperationLedger.Integration.Tests;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void Members_are_sorted_by_name_and_insignificant_whitespace_is_dropped()
    {
        Assert.Equal("""{"a":1,"b":[true,false,null],"c":"x"}""", CanonicalJson.Canonicalize(""" { "c" : "x", "a": 1 ,"b" : [ true , false, null ] } """));
    }

    [Fact]
    public void Nested_objects_in_arrays_are_sorted_too_and_array_order_is_kept()
    {
        Assert.Equal(
            """{"outer":[{"a":{"y":2,"z":1},"b":0},[3,1,2]]}""",
            CanonicalJson.Canonicalize("""{"outer": [{"b": 0, "a": {"z": 1, "y": 2}}, [3, 1, 2]]}"""));
    }

    [Fact]
    public void Names_sort_by_utf16_code_units_as_in_rfc_8785()
    {
        // RFC 8785 §3.2.3: U+1F600 sorts before U+FB33 because its UTF-16 high surrogate is 0xD83D.
        var input = """{"\u20ac": "Euro", "\r": "CR", "\ufb33": "Hebrew", "1": "One", "\ud83d\ude00": "Emoji", "\u0080": "Control", "\u00f6": "Umlaut"}""";

        var canonical = CanonicalJson.Canonicalize(input);

        Assert.Equal("{\"\\r\":\"CR\",\"1\":\"One\",\"\u0080\":\"Control\",\"ö\":\"Umlaut\",\"€\":\"Euro\",\"😀\":\"Emoji\",\"\ufb33\":\"Hebrew\"}", canonical);
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("1.0", "1")]
    [InlineData("1.50", "1.5")]
    [InlineData("-0", "0")]
    [InlineData("-0.0e5", "0")]
    [InlineData("0.000", "0")]
    [InlineData("1e2", "100")]
    [InlineData("1E+2", "100")]
    [InlineData("10E-1", "1")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("1E-07", "1e-7")]
    [InlineData("0.0000001234", "1.234e-7")]
    [InlineData("123e-9", "1.23e-7")]
    [InlineData("100000000000000000000", "100000000000000000000")]
    [InlineData("1E+21", "1e+21")]
    [InlineData("-1.5E+300", "-1.5e+300")]
    [InlineData("5E-324", "5e-324")]
    [InlineData("1.7976931348623157E+308", "1.7976931348623157e+308")]
    [InlineData("123456.789", "123456.789")]
    [InlineData("9007199254740993", "9007199254740993")]
    [InlineData("0.1000000000000000055511151231257827", "0.1000000000000000055511151231257827")]
    public void Numbers_are_written_in_ecmascript_layout_from_their_exact_digits(string number, string expected)
    {
        Assert.Equal(expected, CanonicalJson.Canonicalize(number));
        Assert.Equal($$"""{"n":{{expected}}}""", CanonicalJson.Canonicalize($$"""{"n": {{number}}}"""));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(-1.5)]
    [InlineData(100.0)]
    [InlineData(1e21)]
    [InlineData(1e-7)]
    [InlineData(123456789012345680000.0)]
    [InlineData(5e-324)]
    [InlineData(double.MaxValue)]
    [InlineData(1.0 / 3.0)]
    public void Doubles_written_by_system_text_json_match_ecmascript_number_to_string(double value)
    {
        var canonical = CanonicalJson.Canonicalize(JsonSerializer.Serialize(value));

        Assert.Equal(EcmaScriptNumberToString(value), canonical);
        Assert.Equal(value, double.Parse(canonical, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Strings_are_unescaped_except_for_quote_backslash_and_control_characters()
    {
        var input = """["\u0041\/\u00e9", "tab\there", "\u001f\u0000\b\f\n\r", "quote\" backslash\\", "\u2028 \u007f 😀"]""";

        var canonical = CanonicalJson.Canonicalize(input);

        Assert.Equal("[\"A/é\",\"tab\\there\",\"\\u001f\\u0000\\b\\f\\n\\r\",\"quote\\\" backslash\\\\\",\"\u2028 \u007f 😀\"]", canonical);
    }

    [Fact]
    public void Escaped_and_literal_forms_of_the_same_text_canonicalise_alike()
    {
        var escapedBySystemTextJson = JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = "Café <Ünïcode> 😀" });
        var asJsonbPrintsIt = """{"name": "Café <Ünïcode> 😀"}""";

        Assert.Contains("\\u", escapedBySystemTextJson);
        Assert.Equal(CanonicalJson.Canonicalize(asJsonbPrintsIt), CanonicalJson.Canonicalize(escapedBySystemTextJson));
    }

    [Fact]
    public void The_last_of_duplicate_members_wins_as_in_jsonb()
    {
        Assert.Equal("""{"a":2,"b":1}""", CanonicalJson.Canonicalize("""{"b": 1, "a": 1, "a": 2}"""));
    }

    [Fact]
    public void A_name_written_with_an_escape_is_the_same_name_as_its_plain_form()
    {
        Assert.Equal("""{"a":2,"b":{"x":1}}""", CanonicalJson.Canonicalize("""{"b": {"x": 1}, "a": 1, "\u0061": 2}"""));
        Assert.Equal("""{"a":1,"b":{"x":1}}""", CanonicalJson.Canonicalize("""{"b": {"x": 1}, "\u0061": 2, "a": 1}"""));
    }

    [Fact]
    public void A_name_beyond_ascii_sorts_after_every_ascii_name_at_its_own_level_only()
    {
        Assert.Equal(
            """{"inner":{"a":1,"z":2,"é":3},"outer":0}""",
            CanonicalJson.Canonicalize("""{"outer": 0, "inner": {"é": 3, "z": 2, "a": 1}}"""));
    }

    [Fact]
    public void Bytes_and_text_give_the_same_canonical_form()
    {
        const string json = """{"b": [1.0, "x"], "a": null}""";

        Assert.Equal(CanonicalJson.Canonicalize(json), Encoding.UTF8.GetString(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json))));
    }

    [Theory]
    [InlineData("{\"a\": }")]
    [InlineData("[1, 2")]
    [InlineData("\"\\ud800\"")]
    [InlineData("{\"\\udc00\": 1}")]
    public void Broken_json_is_refused(string json)
    {
        Assert.ThrowsAny<JsonException>(() => CanonicalJson.Canonicalize(json));
    }

    /// <summary>ECMAScript Number::toString from .NET's shortest round-trip digits, independent of the code under test.</summary>
    private static string EcmaScriptNumberToString(double value)
    {
        var roundTrip = value.ToString("E16", System.Globalization.CultureInfo.InvariantCulture);
        var shortest = double.Parse(roundTrip, System.Globalization.CultureInfo.InvariantCulture).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        var unsigned = negative ? shortest[1..] : shortest;
        var exponentAt = unsigned.IndexOfAny(['E', 'e']);
        var mantissa = exponentAt < 0 ? unsigned : unsigned[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(unsigned[(exponentAt + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var pointAt = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var n = (pointAt < 0 ? mantissa.Length : pointAt) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        n -= leadingZeros;
        var k = digits.Length;
        var text = (k, n) switch
        {
            _ when k <= n && n <= 21 => digits + new string('0', n - k),
            _ when 0 < n && n <= 21 => digits[..n] + "." + digits[n..],
            _ when -6 < n && n <= 0 => "0." + new string('0', -n) + digits,
            _ => digits[..1] + (k > 1 ? "." + digits[1..] : "") + "e" + (n - 1 >= 0 ? "+" : "-") + Math.Abs(n - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return negative ? "-" + text : text;
    }
}
