using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace CooperationLedger.EventStore.Serialization;

/// <summary>
/// Writes a JSON number token in the layout ECMAScript's Number.prototype.toString uses (and so RFC 8785), but from
/// the token's exact decimal digits: leading and trailing zeros dropped, plain notation for exponents in [-7, 21),
/// otherwise <c>d.ddde±n</c>. "1", "1.0", "1e0" and "10E-1" all become "1"; "-0" becomes "0".
/// </summary>
internal static class CanonicalNumber
{
    private const int PlainNotationUpperExclusive = 21;
    private const int PlainNotationLowerExclusive = -6;
    private const long LargestExponent = 1_000_000_000;
    private const int StackDigitsLimit = 128;

    public static void Write(ReadOnlySpan<byte> token, IBufferWriter<byte> output)
    {
        var position = 0;
        var negative = token[0] == (byte)'-';
        if (negative)
        {
            position++;
        }

        Span<byte> digits = token.Length <= StackDigitsLimit ? stackalloc byte[StackDigitsLimit] : new byte[token.Length];
        var digitCount = 0;
        long exponent = 0;
        var inFraction = false;
        for (; position < token.Length; position++)
        {
            var symbol = token[position];
            if (symbol == (byte)'.')
            {
                inFraction = true;
            }
            else if (symbol is (byte)'e' or (byte)'E')
            {
                exponent += ParseExponent(token[(position + 1)..]);
                break;
            }
            else
            {
                digits[digitCount++] = symbol;
                if (inFraction)
                {
                    exponent--;
                }
            }
        }

        ReadOnlySpan<byte> significant = digits[..digitCount].TrimStart((byte)'0');
        var trimmed = significant.TrimEnd((byte)'0');
        if (trimmed.IsEmpty)
        {
            output.Write("0"u8);
            return;
        }

        exponent += significant.Length - trimmed.Length;
        WriteDigits(negative, trimmed, exponent + trimmed.Length, output);
    }

    /// <param name="pointPosition">n in ECMAScript's terms: the value is 0.digits × 10^n.</param>
    private static void WriteDigits(bool negative, ReadOnlySpan<byte> digits, long pointPosition, IBufferWriter<byte> output)
    {
        if (negative)
        {
            output.Write("-"u8);
        }

        var count = digits.Length;
        if (count <= pointPosition && pointPosition <= PlainNotationUpperExclusive)
        {
            output.Write(digits);
            WriteZeros(pointPosition - count, output);
        }
        else if (0 < pointPosition && pointPosition <= PlainNotationUpperExclusive)
        {
            output.Write(digits[..(int)pointPosition]);
            output.Write("."u8);
            output.Write(digits[(int)pointPosition..]);
        }
        else if (PlainNotationLowerExclusive < pointPosition && pointPosition <= 0)
        {
            output.Write("0."u8);
            WriteZeros(-pointPosition, output);
            output.Write(digits);
        }
        else
        {
            output.Write(digits[..1]);
            if (count > 1)
            {
                output.Write("."u8);
                output.Write(digits[1..]);
            }

            var shownExponent = pointPosition - 1;
            output.Write(shownExponent < 0 ? "e-"u8 : "e+"u8);
            var exponentText = output.GetSpan(20);
            Math.Abs(shownExponent).TryFormat(exponentText, out var written, default, CultureInfo.InvariantCulture);
            output.Advance(written);
        }
    }

    private static void WriteZeros(long count, IBufferWriter<byte> output)
    {
        for (var written = 0L; written < count; written++)
        {
            output.Write("0"u8);
        }
    }

    private static long ParseExponent(ReadOnlySpan<byte> text)
    {
        var negative = text[0] == (byte)'-';
        var start = text[0] is (byte)'-' or (byte)'+' ? 1 : 0;
        long value = 0;
        foreach (var digit in text[start..])
        {
            value = value * 10 + (digit - (byte)'0');
            if (value > LargestExponent)
            {
                throw new JsonException("A number's exponent is too large to store.");
            }
        }

        return negative ? -value : value;
    }
}
