using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class CorrectEntryTests
{
    [Fact]
    public void A_correction_replaces_the_data_of_its_entry_and_keeps_the_original()
    {
        var given = Scenario.Given(Open(), Visit("2024-04-01", leadName: "Chen Xing"));
        var visitId = given.IdOf(2);

        var correction = given.When(Correct(visitId, Visit("2024-04-01", leadName: "Chen Xin").Data, reason: "Name misspelt"))
            .ThenAccepted<EntryCorrected>();

        Assert.Equal(visitId, correction.EventId);
        var corrected = Assert.IsType<VisitHeld>(given.State.History.FindEffective(visitId)!.Event);
        Assert.Equal("Chen Xin", corrected.DelegationLead.Name);
        var original = Assert.IsType<VisitHeld>(given.State.History.Find(visitId)!.Event);
        Assert.Equal("Chen Xing", original.DelegationLead.Name);
        Assert.Equal(1, given.State.VisitCount);
        Assert.Equal(3, given.State.Version);
    }

    [Fact]
    public void A_second_correction_of_the_same_entry_corrects_the_latest_state()
    {
        var given = Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20", "Frist draft"));
        var draftId = given.IdOf(2);
        given.And(Correct(draftId, Draft("JD-2024-01", "2024-04-20", "First draft").Data));

        given.When(Correct(draftId, Draft("JD-2024-01", "2024-04-20", "Framework on custom training").Data)).ThenAccepted<EntryCorrected>();

        Assert.Equal("Framework on custom training", given.State.Agreement("JD-2024-01")!.Title);
        Assert.Equal([given.IdOf(3), given.IdOf(4)], given.State.History.CorrectedBy[draftId]);
    }

    [Fact]
    public void A_closed_partnership_still_accepts_corrections()
    {
        var given = Scenario.Given(Open(), Visit("2024-04-01"), Close("2024-04-15"));

        given.When(Correct(given.IdOf(2), Visit("2024-04-01", leadTitle: "Director").Data)).ThenAccepted<EntryCorrected>();
    }

    [Fact]
    public void A_correction_must_refer_to_an_entry_of_this_partnership()
    {
        var elsewhere = Scenario.EventIdFor(999);

        Scenario.Given(Open())
            .When(Correct(elsewhere, Note("2024-04-01").Data))
            .ThenRejected("correction-target-unknown", elsewhere.ToString());
    }

    [Fact]
    public void A_correction_cannot_be_corrected_itself()
    {
        var given = Scenario.Given(Open(), Note("2024-04-01", "Frist"));
        given.And(Correct(given.IdOf(2), Note("2024-04-01", "First").Data));

        given.When(CorrectWithJson(given.IdOf(3), """{"text":"Second"}"""))
            .ThenRejected("correction-of-correction", given.IdOf(2).ToString());
    }

    [Fact]
    public void The_corrected_data_must_be_valid_for_the_corrected_entry_type()
    {
        var given = Scenario.Given(Open(), Visit("2024-04-01"));

        given.When(CorrectWithJson(given.IdOf(2), """{"direction":"sideways","participants":[],"topics":[]}"""))
            .ThenRejected("correction-data-invalid", "visit-held", "data.direction", "data.delegationLead");
    }

    [Fact]
    public void A_correction_must_leave_the_entry_within_the_rules()
    {
        var given = Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"), Sign("JD-2024-01", "2024-05-01", "2024-05-01", "2026-04-30"));

        given.When(Correct(given.IdOf(3), Sign("JD-2024-01", "2024-05-01", "2024-05-01", "2024-04-01").Data))
            .ThenRejected("agreement-expiry-not-after-effective", "With this correction", "2024-04-01");
    }

    [Fact]
    public void A_correction_must_not_break_the_entries_after_it()
    {
        var given = Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"), Sign("JD-2024-01", "2024-05-01", "2024-05-01", null));

        given.When(Correct(given.IdOf(2), Draft("JD-2024-02", "2024-04-20").Data))
            .ThenRejected("contradicts-later-entry", "agreement-signed", "'JD-2024-01'", "never drafted");
    }
}
