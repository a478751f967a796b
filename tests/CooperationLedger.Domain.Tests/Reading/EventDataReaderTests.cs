using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Reading;

public sealed class EventDataReaderTests
{
    private static IDictionary<string, string[]> ErrorsReading(string type, string json)
    {
        var read = EventDataReader.Read(type, JsonElementOf(json));
        Assert.False(read.IsValid, "The data should have been refused.");
        Assert.Null(read.Value);
        return read.Errors;
    }

    private static string Terminated(string reasonText) => $$"""{ "agreementId": "JD-1", "reason": "{{reasonText}}" }""";

    private static void AssertError(IDictionary<string, string[]> errors, string path, string mention)
    {
        Assert.True(errors.TryGetValue(path, out var messages), $"No error at '{path}'; errors at: {string.Join(", ", errors.Keys)}.");
        Assert.Contains(messages, message => message.Contains(mention, StringComparison.Ordinal));
    }

    [Fact]
    public void Valid_data_becomes_the_event()
    {
        var read = EventDataReader.Read("visit-held", JsonElementOf("""
            {
              "direction": "inbound",
              "delegationLead": { "name": "Chen Xin", "title": "Deputy Director", "organization": "Science and Technology Commission of Jiading District" },
              "participants": [ { "name": "He Jiaxun", "title": "Dean", "organization": "CTO School", "side": "home" } ],
              "topics": [ "talent cultivation" ],
              "unknownFieldsAreIgnored": true
            }
            """));

        Assert.True(read.IsValid);
        var visit = Assert.IsType<VisitHeld>(read.Value);
        Assert.Equal(ParticipantSide.Home, Assert.Single(visit.Participants).Side);
        Assert.Null(visit.Location);
        Assert.Empty(read.Errors);
    }

    [Fact]
    public void Every_missing_required_field_is_reported_with_its_path()
    {
        var errors = ErrorsReading("visit-held", """{ "delegationLead": { "name": "Chen Xin" }, "participants": [ {} ] }""");

        AssertError(errors, "direction", "Required");
        AssertError(errors, "delegationLead.title", "Required");
        AssertError(errors, "delegationLead.organization", "Required");
        AssertError(errors, "participants[0].name", "Required");
        AssertError(errors, "participants[0].side", "Required");
        AssertError(errors, "topics", "Required");
        Assert.DoesNotContain("location", errors.Keys);
        Assert.DoesNotContain("delegationLead.name", errors.Keys);
    }

    [Fact]
    public void Fields_of_the_wrong_json_type_are_reported()
    {
        var errors = ErrorsReading("partnership-opened", """{ "title": 42, "partners": { "name": "x" }, "themes": "one" }""");

        AssertError(errors, "title", "string");
        AssertError(errors, "partners", "list");
        AssertError(errors, "themes", "list");
    }

    [Fact]
    public void Null_for_a_required_field_counts_as_missing()
    {
        AssertError(ErrorsReading("note-added", """{ "text": null }"""), "text", "Required");
    }

    [Fact]
    public void Unknown_enum_names_are_reported_with_the_names_allowed()
    {
        var errors = ErrorsReading("partnership-opened", """{ "title": "T", "partners": [ { "name": "Wujing", "kind": "Government" } ] }""");

        AssertError(errors, "partners[0].kind", "government, university, enterprise, other");
    }

    [Fact]
    public void Enum_numbers_are_refused()
    {
        AssertError(ErrorsReading("consensus-reached", """{ "level": 0, "summary": "s" }"""), "level", "preliminary, final");
    }

    [Theory]
    [InlineData("2024-13-01")]
    [InlineData("2024-04-01T00:00:00+08:00")]
    [InlineData("April 1st")]
    public void Malformed_dates_are_reported(string date)
    {
        var errors = ErrorsReading("agreement-renewed", $$"""{ "agreementId": "JD-1", "expiresOn": "{{date}}" }""");

        AssertError(errors, "expiresOn", "2024-03-21");
    }

    [Fact]
    public void Empty_lists_that_need_an_item_are_reported()
    {
        AssertError(ErrorsReading("intention-declared", """{ "areas": [] }"""), "areas", "at least one");
    }

    [Fact]
    public void Blank_strings_are_reported()
    {
        AssertError(ErrorsReading("agreement-terminated", """{ "agreementId": "JD-1", "reason": "   " }"""), "reason", "blank");
    }

    // The JSON text between the quotes, escapes as sent.
    [Theory]
    [InlineData(@"\t\u3000")]
    [InlineData("")]
    [InlineData(@"\u0020 ")]
    [InlineData("\u3000")]
    public void Blank_strings_are_reported_however_written(string reasonText)
    {
        AssertError(ErrorsReading("agreement-terminated", Terminated(reasonText)), "reason", "blank");
    }

    [Theory]
    [InlineData("上海 ")]
    [InlineData(@"\u0041")]
    [InlineData(" x ")]
    public void Strings_with_a_visible_character_are_not_blank(string reasonText)
    {
        Assert.True(EventDataReader.Read("agreement-terminated", JsonElementOf(Terminated(reasonText))).IsValid);
    }

    [Fact]
    public void A_correction_needs_an_event_id_and_object_data()
    {
        var errors = ErrorsReading("entry-corrected", """{ "eventId": "not-a-guid", "reason": "r", "data": [] }""");

        AssertError(errors, "eventId", "event id");
        AssertError(errors, "data", "object");
    }

    [Fact]
    public void Data_that_is_not_an_object_is_reported_at_the_root()
    {
        AssertError(ErrorsReading("note-added", "\"just text\""), "", "object");
    }

    [Theory]
    [InlineData("visit")]
    [InlineData("VisitHeld")]
    [InlineData("")]
    public void An_unknown_type_is_reported_with_the_types_known(string type)
    {
        AssertError(ErrorsReading(type, "{}"), "type", "visit-held");
    }

    [Fact]
    public void The_data_path_prefixes_every_key()
    {
        var read = EventDataReader.Read("visit-held", JsonElementOf("""{ "delegationLead": {} }"""), "data");

        Assert.Contains("data.delegationLead.name", read.Errors.Keys);
        Assert.Contains("data.direction", read.Errors.Keys);
    }

    [Fact]
    public void Deeply_wrong_json_never_throws()
    {
        foreach (var eventType in PartnershipEventCatalog.All)
        {
            foreach (var json in new[] { "null", "[]", "1", "{}", """{"partners":[null],"participants":[1],"areas":[{}],"signatories":["x"]}""" })
            {
                var read = EventDataReader.Read(eventType.Alias, JsonElementOf(json));
                Assert.False(read.IsValid, $"{eventType.Alias} accepted {json}");
            }
        }
    }

    [Fact]
    public void Data_built_in_code_is_validated_the_same_way()
    {
        var errors = EventDataReader.Validate(new VisitHeld(VisitDirection.Inbound, new PersonInRole("", "Dean", "CTO School"), [], []));

        AssertError(errors, "delegationLead.name", "blank");
    }

    [Fact]
    public void A_source_is_read_with_its_own_paths()
    {
        var read = EventDataReader.ReadSource(JsonElementOf("""{ "kind": "blog", "title": "", "publishedOn": "09/04/2024" }"""));

        Assert.False(read.IsValid);
        AssertError(read.Errors, "source.kind", "news-article");
        AssertError(read.Errors, "source.title", "blank");
        AssertError(read.Errors, "source.publishedOn", "2024-03-21");
    }

    [Fact]
    public void Absent_data_is_required_rather_than_an_exception()
    {
        AssertError(EventDataReader.Read("note-added", default).Errors, "", "Required");
    }
}
