using System.Text.Json;
using System.Text.Json.Nodes;
using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

/// <summary>A batch posted at once: each command is decided against the state including the ones before it.</summary>
public sealed class DecideAllTests
{
    [Fact]
    public void A_batch_is_accepted_when_each_command_holds_after_the_ones_before_it()
    {
        var state = Scenario.Given(Open()).State;

        var batch = PartnershipDecider.DecideAll(
            state,
            [Draft("JD-2024-01", "2024-04-20"), Sign("JD-2024-01", "2024-05-01", "2024-05-01", null), Note("2024-05-02")],
            Scenario.Now);

        Assert.Null(batch.RejectedIndex);
        var accepted = Assert.IsType<Accepted>(batch.Decision);
        Assert.Equal(["agreement-drafted", "agreement-signed", "note-added"], accepted.Events.Select(@event => @event.Type));
        Assert.Equal("2024-05-01", accepted.Events[1].OccurredAt.ToString());
    }

    [Fact]
    public void A_batch_stops_at_the_first_rejection_and_says_which()
    {
        var state = Scenario.Given(Open()).State;

        var batch = PartnershipDecider.DecideAll(
            state,
            [Draft("JD-2024-01", "2024-04-20"), Note("2024-04-21"), Draft("JD-2024-01", "2024-04-22"), Note("2024-04-23")],
            Scenario.Now);

        Assert.Equal(2, batch.RejectedIndex);
        Assert.Equal("agreement-id-taken", Assert.IsType<Rejection>(batch.Decision).Rule);
    }

    [Fact]
    public void Entries_read_from_a_body_are_decided_as_the_same_commands_built_in_code()
    {
        var state = Scenario.Given(Open()).State;
        var body = new JsonArray([.. new[] { Draft("JD-2024-01", "2024-04-20"), Draft("JD-2024-01", "2024-04-22") }.Select(command => new JsonObject
        {
            ["type"] = PartnershipEventCatalog.AliasOf(command.Payload),
            ["occurredAt"] = command.OccurredAt.ToString(),
            ["data"] = JsonSerializer.SerializeToNode(command.Payload, PartnershipEventCatalog.For(command.Payload).TypeInfo),
        })]);
        var read = CommandReader.ReadEntries(JsonSerializer.SerializeToElement(body));
        Assert.True(read.IsValid, string.Join("; ", read.Errors.Keys));

        var fromBody = PartnershipDecider.DecideAll(state, read.Value!, Scenario.Now);
        var inCode = PartnershipDecider.DecideAll(state, [.. read.Value!], Scenario.Now);

        Assert.Equal(1, fromBody.RejectedIndex);
        Assert.Equal(inCode.RejectedIndex, fromBody.RejectedIndex);
        Assert.Equal(Assert.IsType<Rejection>(inCode.Decision), Assert.IsType<Rejection>(fromBody.Decision));
    }
}
