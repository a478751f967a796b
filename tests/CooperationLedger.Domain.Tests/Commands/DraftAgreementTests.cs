using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class DraftAgreementTests
{
    [Fact]
    public void A_draft_is_recorded_and_the_partnership_negotiates()
    {
        var given = Scenario.Given(Open(), Visit("2024-04-01"));

        given.When(Draft("JD-2024-01", "2024-04-20", "Custom training framework")).ThenAccepted<AgreementDrafted>();

        var agreement = given.State.Agreement("JD-2024-01");
        Assert.NotNull(agreement);
        Assert.Equal("Custom training framework", agreement.Title);
        Assert.Equal(AgreementStatus.Drafted, agreement.StatusOn(Scenario.Today));
        Assert.Equal(PartnershipStage.Negotiating, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void An_agreement_id_is_used_once()
    {
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20", "Custom training framework"))
            .When(Draft("JD-2024-01", "2024-04-25"))
            .ThenRejected("agreement-id-taken", "JD-2024-01", "Custom training framework");
    }

    [Fact]
    public void An_agreement_id_is_used_once_even_by_a_draft_recorded_late_with_an_earlier_date()
    {
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"))
            .When(Draft("JD-2024-01", "2024-04-02"))
            .ThenRejected("agreement-id-taken", "JD-2024-01");
    }

    [Fact]
    public void No_agreement_is_drafted_while_suspended()
    {
        Scenario.Given(Open(), Suspend("2024-04-10", "Leadership change"))
            .When(Draft("JD-2024-01", "2024-04-20"))
            .ThenRejected("partnership-suspended", "2024-04-10", "Leadership change", "resumed");
    }

    [Fact]
    public void Drafting_is_possible_again_once_resumed()
    {
        Scenario.Given(Open(), Suspend("2024-04-10"), Resume("2024-04-15"))
            .When(Draft("JD-2024-01", "2024-04-20"))
            .ThenAccepted<AgreementDrafted>();
    }

    [Fact]
    public void A_draft_after_closing_is_rejected()
    {
        Scenario.Given(Open(), Close("2024-04-15")).When(Draft("JD-2024-01", "2024-04-20")).ThenRejected("partnership-closed");
    }
}
