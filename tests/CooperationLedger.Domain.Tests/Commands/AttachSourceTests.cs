using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class AttachSourceTests
{
    [Fact]
    public void A_source_is_attached_without_counting_as_activity()
    {
        var given = Scenario.Given(Open("2024-03-01"));

        var attached = given.When(AttachedSource("2024-04-09", "Deepening the Cooperation")).ThenAccepted<SourceAttached>();

        Assert.Equal(SourceKind.Minutes, attached.Kind);
        Assert.Equal(On("2024-03-01"), given.State.LastActivity);
    }

    [Fact]
    public void A_closed_partnership_still_accepts_sources()
    {
        Scenario.Given(Open(), Close("2024-04-15")).When(AttachedSource("2024-05-01")).ThenAccepted<SourceAttached>();
    }

    [Fact]
    public void A_source_without_a_title_is_invalid_data()
    {
        Scenario.Given(Open()).When(AttachedSource("2024-05-01", title: "")).ThenRejected("invalid-data", "title");
    }

    [Fact]
    public void The_envelope_source_of_any_command_is_checked_too()
    {
        var command = Note("2024-05-01") with { Source = new Source(SourceKind.NewsArticle, " ") };

        Scenario.Given(Open()).When(command).ThenRejected("invalid-data", "source.title");
    }
}
