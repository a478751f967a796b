using System.Text.Json.Nodes;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Serialization;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests;

public sealed class SerializationTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    private LedgerEventStore Store => database.Store;

    [Fact]
    public async Task An_old_row_is_read_in_the_current_shape_through_each_upcaster()
    {
        var streamId = Guid.CreateVersion7();
        var sequence = await database.InsertOldRowAsync(streamId, "partner-renamed", schemaVersion: 1, """{"name": "Royal Society of Maps"}""");

        var recorded = Assert.Single(await Store.ReadStreamAsync(streamId, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(sequence, recorded.Sequence);
        Assert.Equal(new PartnerRenamed("Royal Society of Maps", "Royal"), recorded.Data);
        Assert.Equal(1, recorded.SchemaVersion);
        Assert.Equal("""{"name": "Royal Society of Maps"}""", recorded.DataJson);
    }

    [Fact]
    public async Task A_row_from_an_intermediate_version_only_takes_the_remaining_steps()
    {
        var streamId = Guid.CreateVersion7();
        await database.InsertOldRowAsync(streamId, "partner-renamed", schemaVersion: 2, """{"officialName": "Guild of Bookbinders"}""");

        var recorded = Assert.Single(await Store.ReadStreamAsync(streamId, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(new PartnerRenamed("Guild of Bookbinders", "Guild"), recorded.Data);
    }

    [Theory]
    [InlineData("no-such-event", 1, """{"x": 1}""", "not registered")]
    [InlineData("visit-held", 1, """{"organisation": "Museum", "attendees": "many"}""", "does not fit")]
    [InlineData("visit-held", 1, """[1, 2, 3]""", "does not fit")]
    [InlineData("visit-held", 1, """null""", "JSON null")]
    [InlineData("visit-held", 2, """{"organisation": "Museum", "attendees": 1}""", "newer")]
    [InlineData("budget-approved", 1, """{"amount": 10}""", "no upcaster from schema version 1")]
    [InlineData("meeting-cancelled", 1, """{"when": "today"}""", "upcaster of 'meeting-cancelled' from schema version 1 failed")]
    public async Task A_row_that_cannot_be_read_is_reported_with_its_sequence_by_every_read(string type, int schemaVersion, string data, string reason)
    {
        var streamId = Guid.CreateVersion7();
        var before = await database.ScalarAsync<long>("select coalesce(max(sequence), 0) from ledger.events");
        var sequence = await database.InsertOldRowAsync(streamId, type, schemaVersion, data);

        var fromStream = await Assert.ThrowsAsync<UnreadableEventException>(() => Store.ReadStreamAsync(streamId, cancellationToken: TestContext.Current.CancellationToken));
        var fromFeed = await Assert.ThrowsAsync<UnreadableEventException>(() => Store.ReadAllAsync(before, 100, TestContext.Current.CancellationToken));

        foreach (var error in new[] { fromStream, fromFeed })
        {
            Assert.Equal(sequence, error.Sequence);
            Assert.Contains(reason, error.Reason);
            Assert.Contains(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        }
    }

    [Fact]
    public async Task A_readable_event_after_an_unreadable_one_is_not_reached_silently()
    {
        var streamId = Guid.CreateVersion7();
        var unreadable = await database.InsertOldRowAsync(streamId, "no-such-event", 1, """{"x": 1}""");
        await Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(1), Visits(1), Recorder, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<UnreadableEventException>(() => Store.ReadStreamAsync(streamId, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(unreadable, error.Sequence);
    }

    [Theory]
    [InlineData("VisitHeld")]
    [InlineData("CooperationLedger.Domain.VisitHeld")]
    [InlineData("visit_held")]
    [InlineData("visit-")]
    [InlineData("")]
    public void A_registry_refuses_aliases_that_are_not_stable_kebab_case(string alias)
    {
        var registry = new EventTypeRegistry();

        Assert.Throws<ArgumentException>(() => registry.Register(alias, TestEventsJsonContext.Default.VisitHeld));
        Assert.Empty(registry.Aliases);
    }

    [Fact]
    public void A_registry_refuses_a_second_registration_of_an_alias_or_a_type()
    {
        var registry = new EventTypeRegistry().Register("visit-held", TestEventsJsonContext.Default.VisitHeld);

        Assert.Throws<ArgumentException>(() => registry.Register("visit-held", TestEventsJsonContext.Default.AgreementSigned));
        Assert.Throws<ArgumentException>(() => registry.Register("visit-recorded", TestEventsJsonContext.Default.VisitHeld));
        Assert.Equal("visit-held", registry.AliasOf(typeof(VisitHeld)));
    }

    [Fact]
    public void A_registry_refuses_upcasters_that_do_not_lead_to_the_current_version()
    {
        var registry = new EventTypeRegistry().Register("budget-approved", TestEventsJsonContext.Default.BudgetApproved, schemaVersion: 2);
        static JsonNode Same(JsonNode node) => node;

        Assert.Throws<ArgumentOutOfRangeException>(() => registry.AddUpcaster("budget-approved", fromVersion: 2, Same));
        Assert.Throws<ArgumentOutOfRangeException>(() => registry.AddUpcaster("budget-approved", fromVersion: 0, Same));
        Assert.Throws<ArgumentException>(() => registry.AddUpcaster("not-registered", fromVersion: 1, Same));
        registry.AddUpcaster("budget-approved", fromVersion: 1, Same);
        Assert.Throws<ArgumentException>(() => registry.AddUpcaster("budget-approved", fromVersion: 1, Same));
    }
}
