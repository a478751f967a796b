using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class AddNoteTests
{
    [Fact]
    public void A_note_is_recorded_without_counting_as_activity()
    {
        var given = Scenario.Given(Open("2024-03-01"));

        var note = given.When(Note("2024-05-01", "Call back in May.")).ThenAccepted<NoteAdded>();

        Assert.Equal("Call back in May.", note.Text);
        Assert.Equal(On("2024-03-01"), given.State.LastActivity);
        Assert.Equal(2, given.State.Version);
    }

    [Fact]
    public void A_closed_partnership_still_accepts_notes()
    {
        Scenario.Given(Open(), Close("2024-04-15")).When(Note("2024-05-01")).ThenAccepted<NoteAdded>();
    }

    [Fact]
    public void A_blank_note_is_invalid_data()
    {
        Scenario.Given(Open()).When(Note("2024-05-01", "\n ")).ThenRejected("invalid-data", "text");
    }
}
