using System.Text.Json;

namespace CooperationLedger.Domain.Tests.Reading;

public sealed class OccurredAtTests
{
    [Theory]
    [InlineData("2024-03-21")]
    [InlineData("2024-03-21T09:30:00+08:00")]
    [InlineData("2024-03-21T09:30:00.125-05:30")]
    [InlineData("2024-03-21T09:30:00.000001+14:00")]
    [InlineData("1900-01-01T00:00:00+00:00")]
    public void A_value_writes_itself_back_exactly_as_read(string text)
    {
        var occurredAt = OccurredAt.Parse(text);

        Assert.Equal(text, occurredAt.ToString());
        Assert.Equal($"\"{text}\"", JsonSerializer.Serialize(occurredAt, DomainJsonContext.Default.OccurredAt));
        Assert.Equal(occurredAt, JsonSerializer.Deserialize($"\"{text}\"", DomainJsonContext.Default.OccurredAt));
    }

    [Fact]
    public void A_date_stays_a_date_and_a_date_time_keeps_its_offset()
    {
        var date = OccurredAt.Parse("2024-03-21");
        var dateTime = OccurredAt.Parse("2024-03-21T09:30:00+08:00");

        Assert.True(date.IsDate);
        Assert.Equal(new DateTimeOffset(2024, 3, 21, 0, 0, 0, TimeSpan.Zero), date.Instant);
        Assert.False(dateTime.IsDate);
        Assert.Equal(TimeSpan.FromHours(8), dateTime.Instant.Offset);
        Assert.Equal(new DateOnly(2024, 3, 21), dateTime.Day);
    }

    [Theory]
    [InlineData("2024-03-21")]
    [InlineData("2024-03-21T23:30:00-05:00")]
    public void The_stored_columns_rebuild_the_same_value(string text)
    {
        var occurredAt = OccurredAt.Parse(text);
        var storedInstant = occurredAt.Instant.ToUniversalTime().ToOffset(occurredAt.IsDate ? TimeSpan.Zero : occurredAt.Instant.Offset);

        Assert.Equal(occurredAt, OccurredAt.FromStorage(storedInstant, occurredAt.IsDate));
        Assert.Equal(text, OccurredAt.FromStorage(storedInstant, occurredAt.IsDate).ToString());
    }

    [Fact]
    public void A_date_time_from_code_keeps_the_microseconds_postgresql_keeps()
    {
        var withTicks = new DateTimeOffset(2024, 3, 21, 9, 30, 0, TimeSpan.FromHours(8)).AddTicks(1_234_567);

        Assert.Equal("2024-03-21T09:30:00.123456+08:00", OccurredAt.At(withTicks).ToString());
    }

    [Fact]
    public void Z_is_read_as_offset_zero()
    {
        Assert.Equal("2024-03-21T09:30:00+00:00", OccurredAt.Parse("2024-03-21T09:30Z").ToString());
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("2024-03-21T09:30:00", "no UTC offset")]
    [InlineData("2024-02-30", "not a real calendar date")]
    [InlineData("21/03/2024", "neither a date")]
    [InlineData("the morning of March 21st", "neither a date")]
    [InlineData("2024-03-21T09:30:00.1234567+08:00", "at most six decimals")]
    public void Parsing_explains_what_is_wrong(string text, string explanation)
    {
        Assert.False(OccurredAt.TryParse(text, out _, out var error));
        Assert.Contains(explanation, error, StringComparison.Ordinal);
        var exception = Assert.Throws<FormatException>(() => OccurredAt.Parse(text));
        Assert.Equal(error, exception.Message);
    }

    [Fact]
    public void Occurred_order_puts_a_whole_day_before_the_times_of_that_day_and_after_the_previous_day()
    {
        var ordered = new[]
        {
            "2024-03-21T09:00:00+08:00", "2024-03-21", "2024-03-20T23:59:00+08:00", "2024-03-22", "2024-03-21T08:00:00+08:00",
        }.Select(OccurredAt.Parse).Order().Select(occurredAt => occurredAt.ToString());

        Assert.Equal(
            ["2024-03-20T23:59:00+08:00", "2024-03-21", "2024-03-21T08:00:00+08:00", "2024-03-21T09:00:00+08:00", "2024-03-22"],
            ordered);
    }

    [Fact]
    public void A_date_time_belongs_to_the_day_of_its_own_offset()
    {
        var lateEveningInNewYork = OccurredAt.Parse("2024-03-21T23:00:00-04:00");
        var morningInShanghai = OccurredAt.Parse("2024-03-22T08:00:00+08:00");

        Assert.Equal(new DateOnly(2024, 3, 21), lateEveningInNewYork.Day);
        Assert.True(lateEveningInNewYork < morningInShanghai);
    }

    [Fact]
    public void The_same_instant_in_two_offsets_is_ordered_but_not_equal()
    {
        var shanghai = OccurredAt.Parse("2024-03-21T09:00:00+08:00");
        var tokyo = OccurredAt.Parse("2024-03-21T10:00:00+09:00");

        Assert.NotEqual(shanghai, tokyo);
        Assert.NotEqual(0, shanghai.CompareTo(tokyo));
        Assert.Equal(-tokyo.CompareTo(shanghai), shanghai.CompareTo(tokyo));
    }
}
