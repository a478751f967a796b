using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Reading;

public sealed class CommandReaderTests
{
    [Fact]
    public void A_posted_entry_becomes_its_command_with_envelope()
    {
        var read = CommandReader.ReadEntry(JsonElementOf("""
            {
              "type": "intention-declared",
              "occurredAt": "2024-03-21",
              "data": { "areas": ["strategic-alliance", "mutual-visits"] },
              "source": { "kind": "news-article", "title": "Enhancing the Cooperation", "publishedOn": "2024-04-10" }
            }
            """));

        Assert.True(read.IsValid);
        var command = Assert.IsType<DeclareIntention>(read.Value);
        Assert.Equal([CooperationArea.StrategicAlliance, CooperationArea.MutualVisits], command.Data.Areas);
        Assert.Equal("2024-03-21", command.OccurredAt.ToString());
        Assert.True(command.OccurredAt.IsDate);
        Assert.Equal(new Source(SourceKind.NewsArticle, "Enhancing the Cooperation", null, new DateOnly(2024, 4, 10)), command.Source);
    }

    [Fact]
    public void Every_problem_of_a_posted_entry_is_reported_at_once()
    {
        var read = CommandReader.ReadEntry(JsonElementOf("""
            {
              "type": "visit-held",
              "occurredAt": "2024-03-21T09:30:00",
              "data": { "direction": "in" },
              "source": { "kind": "news-article" }
            }
            """));

        Assert.False(read.IsValid);
        Assert.Contains("data.direction", read.Errors.Keys);
        Assert.Contains("data.delegationLead", read.Errors.Keys);
        Assert.Contains("source.title", read.Errors.Keys);
        Assert.Contains("no UTC offset", Assert.Single(read.Errors["occurredAt"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_type_data_and_occurred_at_are_required()
    {
        var read = CommandReader.ReadEntry(JsonElementOf("{}"));

        Assert.Equal(["occurredAt", "type"], read.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Missing_data_of_a_known_type_is_required()
    {
        var read = CommandReader.ReadEntry(JsonElementOf("""{ "type": "note-added", "occurredAt": "2024-04-01" }"""));

        Assert.Equal("Required.", Assert.Single(read.Errors["data"]));
    }

    [Fact]
    public void An_entry_that_is_not_an_object_is_refused()
    {
        Assert.Contains("", CommandReader.ReadEntry(JsonElementOf("[]")).Errors.Keys);
    }

    [Fact]
    public void The_opening_body_carries_the_data_fields_beside_occurred_at_and_source()
    {
        var read = CommandReader.ReadOpening(JsonElementOf("""
            {
              "title": "NEO Bay training",
              "partners": [ { "name": "Wujing Town Government of Minhang District", "kind": "government" } ],
              "occurredAt": "2024-04-01",
              "source": { "kind": "news-article", "title": "Deepening the Cooperation" }
            }
            """));

        var command = Assert.IsType<OpenPartnership>(read.Value);
        Assert.Equal("NEO Bay training", command.Data.Title);
        Assert.Equal(PartnerKind.Government, Assert.Single(command.Data.Partners).Kind);
        Assert.Equal("Deepening the Cooperation", command.Source?.Title);
    }

    [Fact]
    public void Opening_errors_are_keyed_without_a_data_prefix()
    {
        var read = CommandReader.ReadOpening(JsonElementOf("""{ "partners": [ { "name": "Wujing", "kind": "town" } ], "occurredAt": "soon" }"""));

        Assert.Equal(["occurredAt", "partners[0].kind", "title"], read.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_null_source_is_no_source()
    {
        var read = CommandReader.ReadEntry(JsonElementOf("""{ "type": "note-added", "occurredAt": "2024-04-01", "data": { "text": "t" }, "source": null }"""));

        Assert.True(read.IsValid);
        Assert.Null(read.Value.Source);
    }

    [Fact]
    public void An_array_of_entries_is_read_in_order_and_its_errors_are_keyed_by_index()
    {
        var valid = CommandReader.ReadEntries(JsonElementOf("""
            [ { "type": "partnership-suspended", "occurredAt": "2024-04-01", "data": { "reason": "funding review" } },
              { "type": "note-added", "occurredAt": "2024-04-02", "data": { "text": "t" } } ]
            """));
        var invalid = CommandReader.ReadEntries(JsonElementOf("""
            [ { "type": "note-added", "occurredAt": "2024-04-02", "data": { "text": "t" } }, 7,
              { "type": "note-added", "occurredAt": "someday", "data": { } } ]
            """));

        Assert.True(valid.IsValid, string.Join("; ", valid.Errors.Keys));
        Assert.Equal([typeof(SuspendPartnership), typeof(AddNote)], valid.Value!.Select(command => command.GetType()));
        Assert.Equal(["[1]", "[2].data.text", "[2].occurredAt"], invalid.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_single_entry_is_a_batch_of_one_and_an_empty_array_is_refused()
    {
        var single = CommandReader.ReadEntries(JsonElementOf("""{ "type": "note-added", "occurredAt": "2024-04-02", "data": { "text": "t" } }"""));
        var empty = CommandReader.ReadEntries(JsonElementOf("[]"));

        Assert.IsType<AddNote>(Assert.Single(single.Value!));
        Assert.Equal("An array of entries must hold at least one entry.", Assert.Single(empty.Errors[""]));
    }
}
